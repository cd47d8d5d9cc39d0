package org.nbstack.tcp.interop;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.nbstack.tcp.link.NativePlatform;

/**
 * A network namespace a test creates for itself (ip netns add) and always deletes. Every address and
 * route of a test lives in here; nothing is configured in the namespace the JVM runs in.
 */
final class Netns implements AutoCloseable {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final int CAP_NET_ADMIN = 12;

    final String name;
    private final List<Process> processes = new ArrayList<>();

    private Netns(String name) {
        this.name = name;
    }

    /** Skips the calling test, saying why, unless namespaces and TUN devices can be made here. */
    static void assumeAvailable() {
        String platform = NativePlatform.unsupportedReason();
        assumeTrue(platform == null, () -> "skipped: " + platform);
        assumeTrue(hasNetAdmin(), "skipped: needs CAP_NET_ADMIN (run as root) to create TUN devices and namespaces");
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "skipped: /dev/net/tun is missing (no tun module)");
        assumeTrue(onPath("ip"), "skipped: the ip command (Debian package iproute2) is not installed");
        assumeTrue(onPath("python3"), "skipped: python3 (the kernel-side test peer) is not installed");
    }

    static boolean hasNetAdmin() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    return (caps >>> CAP_NET_ADMIN & 1) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }

    static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", command)) || Files.isExecutable(Path.of("/sbin", command));
    }

    /** A name unique to this JVM and run: "nbs" + pid + sequence. */
    static String uniqueName(String prefix) {
        return prefix + ProcessHandle.current().pid() % 100000 + "x" + SEQUENCE.incrementAndGet();
    }

    static Netns create() {
        Netns ns = new Netns(uniqueName("nbs"));
        run(List.of("ip", "netns", "add", ns.name));
        try {
            ns.ip("link", "set", "lo", "up");
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /** {@code ip -n NAME args...} */
    String ip(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", name));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    /** Runs {@code cmd} inside the namespace, waits for it and returns its output; fails on a non-zero exit. */
    String exec(String... cmd) {
        return run(inside(cmd));
    }

    /** Like {@link #exec} but returns the exit code and output instead of failing. */
    Result tryExec(String... cmd) {
        return runForResult(inside(cmd));
    }

    /** Starts {@code cmd} inside the namespace; it is killed when the namespace is closed. */
    Process start(String... cmd) {
        try {
            Process p = new ProcessBuilder(inside(cmd)).redirectError(ProcessBuilder.Redirect.PIPE).start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + String.join(" ", cmd), e);
        }
    }

    private List<String> inside(String... cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(cmd));
        return full;
    }

    record Result(int exit, String output) {
    }

    static String run(List<String> cmd) {
        Result r = runForResult(cmd);
        if (r.exit != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " exited with " + r.exit + ": " + r.output.strip());
        }
        return r.output;
    }

    static Result runForResult(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish in 30 s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", cmd), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", cmd), e);
        }
    }

    /** Kills what the test started in here, then deletes the namespace (devices in it go with it). */
    @Override
    public void close() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        runForResult(List.of("ip", "netns", "del", name));
    }
}
