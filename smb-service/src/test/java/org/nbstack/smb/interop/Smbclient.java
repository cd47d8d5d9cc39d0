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
        return run(dir, server.clientCommand(List.of()), server.host, 139, share, commands);
    }

    /** The same against {@code server} on {@code port} (445: direct TCP). */
    static Result run(java.nio.file.Path dir, SmbTestServer server, int port, String share, String commands) throws Exception {
        return run(dir, server.clientCommand(List.of()), server.host, port, share, commands);
    }

    /** {@code smbclient} run after {@code prefix} (e.g. {@code ip netns exec NS}), in {@code dir}. */
    static Result run(java.nio.file.Path dir, List<String> prefix, String host, int port, String share, String commands)
            throws Exception {
        return run(dir, prefix, List.of("-N"), host, port, share, commands);
    }

    /** Logged on as {@code user} with {@code password} ({@code -U user%password}) against {@code server} on {@code port}. */
    static Result runAs(java.nio.file.Path dir, SmbTestServer server, int port, String user, String password, String share,
            String commands) throws Exception {
        return run(dir, server.clientCommand(List.of()), List.of("-U", user + "%" + password), server.host, port, share, commands);
    }

    private static Result run(java.nio.file.Path dir, List<String> prefix, List<String> logon, String host, int port, String share,
            String commands) throws Exception {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of("smbclient", "//" + host + "/" + share));
        command.addAll(logon);
        command.addAll(List.of("-p", Integer.toString(port),
                "--option=client min protocol=SMB2_02", "-c", commands));
        if (System.getenv("SMBCLIENT_DEBUG") != null) { command.add("-d"); command.add(System.getenv("SMBCLIENT_DEBUG")); }
        java.nio.file.Path log = java.nio.file.Files.createTempFile("smbclient", ".log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(Long.getLong("smbclient.timeout", 120), TimeUnit.SECONDS)) {
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
}
