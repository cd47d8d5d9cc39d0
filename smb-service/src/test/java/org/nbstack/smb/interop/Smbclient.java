package org.nbstack.smb.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs Samba's smbclient and returns its output; the test is skipped, saying why, where smbclient is not installed. */
final class Smbclient {

    record Result(int exit, String output) {
    }

    private Smbclient() {
    }

    static void require() {
        try {
            Process p = new ProcessBuilder("smbclient", "--version").redirectErrorStream(true).start();
            if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return;
            }
        } catch (IOException | InterruptedException notThere) {
            // below
        }
        Assumptions.abort("smbclient is not installed (Debian: apt-get install smbclient)");
    }

    /** {@code smbclient //host/share -N -p port -c commands} run in {@code dir} (where get and put find their local files). */
    static Result run(java.nio.file.Path dir, String host, int port, String share, String commands) throws Exception {
        return run(dir, List.of(), host, port, share, commands);
    }

    /** The same against {@code server} on port 139, run where its host is reachable (the engine's namespace, or here). */
    static Result run(java.nio.file.Path dir, SmbTestServer server, String share, String commands) throws Exception {
        return run(dir, server, 139, share, List.of("-N"), commands);
    }

    /** The same against {@code server} on {@code port} (445: direct TCP). */
    static Result run(java.nio.file.Path dir, SmbTestServer server, int port, String share, String commands) throws Exception {
        return run(dir, server, port, share, List.of("-N"), commands);
    }

    /** {@code smbclient} run after {@code prefix} (e.g. {@code ip netns exec NS}), in {@code dir}. */
    static Result run(java.nio.file.Path dir, List<String> prefix, String host, int port, String share, String commands)
            throws Exception {
        return run(dir, prefix, host, port, share, List.of("-N"), commands, null);
    }

    /** {@code smbclient} run after {@code prefix} with {@code options} (e.g. {@code -U user%password}) in place of {@code -N}. */
    static Result run(java.nio.file.Path dir, List<String> prefix, String host, int port, String share, List<String> options,
            String commands) throws Exception {
        return run(dir, prefix, host, port, share, options, commands, null);
    }

    /** The same against {@code server} on {@code port} with {@code options} (e.g. {@code -U user%password}) in place of {@code -N}. */
    static Result run(java.nio.file.Path dir, SmbTestServer server, int port, String share, List<String> options, String commands)
            throws Exception {
        return run(dir, server.clientCommand(List.of()), server.host, port, share, options, commands, server.shareDir);
    }

    /** Logged on as {@code user} with {@code password} ({@code -U user%password}) against {@code server} on {@code port}. */
    static Result runAs(java.nio.file.Path dir, SmbTestServer server, int port, String user, String password, String share,
            String commands) throws Exception {
        return run(dir, server, port, share, List.of("-U", user + "%" + password), commands);
    }

    /**
     * Runs smbclient until it exits. It fails only when the transfer stops moving: no byte more in its output, in {@code dir}
     * (where gets land) or in {@code serverDir} (where puts land, when known) for {@code smbclient.timeout} seconds (120), or
     * after {@code smbclient.max-time} seconds (900) in all. A busy machine slows a 100 MiB transfer; only a stall stops it.
     */
    private static Result run(java.nio.file.Path dir, List<String> prefix, String host, int port, String share, List<String> options,
            String commands, java.nio.file.Path serverDir) throws Exception {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of("smbclient", "//" + host + "/" + share));
        command.addAll(options);
        command.addAll(List.of("-p", Integer.toString(port), "--option=client min protocol=SMB2_02", "-c", commands));
        if (System.getenv("SMBCLIENT_DEBUG") != null) { command.add("-d"); command.add(System.getenv("SMBCLIENT_DEBUG")); }
        java.nio.file.Path log = java.nio.file.Files.createTempFile("smbclient", ".log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        long stallBound = TimeUnit.SECONDS.toNanos(Long.getLong("smbclient.timeout", 120));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.getLong("smbclient.max-time", 900));
        long lastProgress = System.nanoTime();
        long progress = -1;
        while (!p.waitFor(1, TimeUnit.SECONDS)) {
            long now = bytesIn(log) + bytesIn(dir) + (serverDir == null ? 0 : bytesIn(serverDir));
            if (now != progress) {
                progress = now;
                lastProgress = System.nanoTime();
            }
            if (System.nanoTime() - lastProgress > stallBound || System.nanoTime() > deadline) {
                break;
            }
        }
        if (p.isAlive()) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            String output = java.nio.file.Files.readString(log, StandardCharsets.UTF_8);
            throw new AssertionError("smbclient did not finish: " + String.join(" ", command) + "\n"
                    + output.substring(Math.max(0, output.length() - 6000)));
        }
        String output = java.nio.file.Files.readString(log, StandardCharsets.UTF_8);
        java.nio.file.Files.deleteIfExists(log);
        return new Result(p.exitValue(), output);
    }

    /** The bytes of the files in {@code path} and its subdirectories (or of the file itself); 0 for what vanished meanwhile. */
    private static long bytesIn(java.nio.file.Path path) {
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(path, 3)) {
            return files.mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }
}
