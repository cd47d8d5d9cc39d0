package org.nbstack.server.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace a test creates for itself ({@code ip netns add}) and always deletes, with every address of the
 * test inside it. The name carries the JVM's pid, so parallel runs on one machine do not collide.
 */
final class TestNamespace implements AutoCloseable {
    private static final int CAP_NET_ADMIN = 12;

    record Result(int exit, String output) {
    }

    final String name;

    private TestNamespace(String name) {
        this.name = name;
    }

    /** Skips the calling test, saying why, unless this process may create TUN devices and namespaces. */
    static void assumeAvailable() {
        assumeTrue(System.getProperty("os.name", "").startsWith("Linux"), "skipped: TUN devices and namespaces need Linux");
        assumeTrue(hasNetAdmin(), "skipped: needs CAP_NET_ADMIN (run as root) to create TUN devices and namespaces");
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "skipped: /dev/net/tun is missing (no tun module)");
        assumeTrue(runForResult(List.of("ip", "-V")).exit() == 0, "skipped: the ip command (Debian package iproute2) is not installed");
    }

    private static boolean hasNetAdmin() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return (Long.parseUnsignedLong(line.substring(7).trim(), 16) >>> CAP_NET_ADMIN & 1) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }

    /** {@code prefix} + this JVM's pid: unique among the test runs on this machine, at most 15 characters. */
    static String uniqueName(String prefix) {
        return prefix + ProcessHandle.current().pid() % 1_000_000;
    }

    static TestNamespace create(String prefix) {
        TestNamespace ns = new TestNamespace(uniqueName(prefix));
        run(List.of("ip", "netns", "add", ns.name));
        try {
            ns.ip("link", "set", "lo", "up");
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /** {@code ip -n NAME args...}; fails on a non-zero exit. */
    String ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "-n", name));
        command.addAll(List.of(args));
        return run(command);
    }

    /** Runs {@code command} inside the namespace to its end (bounded) and returns its exit code and output. */
    Result exec(long timeoutSeconds, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(command));
        return runForResult(full, timeoutSeconds);
    }

    static String run(List<String> command) {
        Result r = runForResult(command);
        if (r.exit() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + r.exit() + ": " + r.output().strip());
        }
        return r.output();
    }

    static Result runForResult(List<String> command) {
        return runForResult(command, 30);
    }

    private static Result runForResult(List<String> command, long timeoutSeconds) {
        try {
            Path output = Files.createTempFile("nbstack-ns", ".out");
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
                p.getOutputStream().close();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                    return new Result(-1, Files.readString(output, StandardCharsets.UTF_8)
                            + "\n" + String.join(" ", command) + " did not finish within " + timeoutSeconds + " s");
                }
                return new Result(p.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            return new Result(-1, "cannot run " + String.join(" ", command) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        }
    }

    /** Deletes the namespace; devices moved into it go with it. */
    @Override
    public void close() {
        runForResult(List.of("ip", "netns", "del", name));
    }
}
