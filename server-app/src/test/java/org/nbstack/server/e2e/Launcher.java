package org.nbstack.server.e2e;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code bin/nbstack} as a process: the checkout's, over the distribution the package phase built, or another
 * one (an unpacked tarball's) with its own environment.
 */
final class Launcher {

    record Result(int status, String out, String err) {
    }

    private static final Path REPO = Path.of(System.getProperty("nbstack.repo", "..")).toAbsolutePath().normalize();

    private final Path work;
    private final Path script;
    private final Map<String, String> environment;

    Launcher(Path work) {
        // the package phase built the distribution; a test never runs Maven inside Maven
        this(work, REPO.resolve("bin/nbstack"), Map.of("NBSTACK_NO_BUILD", "1"));
    }

    /** {@code script} run in {@code work} with {@code environment} added to this JVM's (without its NBSTACK_* variables). */
    Launcher(Path work, Path script, Map<String, String> environment) {
        this.work = work;
        this.script = script;
        this.environment = Map.copyOf(environment);
    }

    /** Starts {@code bin/nbstack args}; its standard output and error go to files in the work directory. */
    Process start(String name, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(script.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(script.getParent().getParent().toFile())
                .redirectOutput(work.resolve(name + ".out").toFile()).redirectError(work.resolve(name + ".err").toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(key -> key.startsWith("NBSTACK_"));
        env.putAll(environment);
        return builder.start();
    }

    /** Runs {@code bin/nbstack args} to its end (bounded). */
    Result run(String name, String... args) throws IOException, InterruptedException {
        Process process = start(name, args);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("bin/nbstack " + String.join(" ", args) + " did not finish within 60 s");
        }
        return new Result(process.exitValue(), out(name), err(name));
    }

    String out(String name) throws IOException {
        return Files.readString(work.resolve(name + ".out"), StandardCharsets.UTF_8);
    }

    String err(String name) throws IOException {
        return Files.readString(work.resolve(name + ".err"), StandardCharsets.UTF_8);
    }

    /** Waits (up to 60 s) until the standard output of {@code name} contains {@code text}; fails when the process ends first. */
    void awaitOutput(String name, String text, Process process) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!out(name).contains(text)) {
            if (!process.isAlive()) {
                throw new AssertionError("bin/nbstack " + name + " exited with " + process.exitValue() + ":\n" + out(name) + err(name));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("bin/nbstack " + name + " did not print '" + text + "' within 60 s:\n" + out(name) + err(name));
            }
            Thread.sleep(100);
        }
    }

    static int freeTcpPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static int freeUdpPort() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
