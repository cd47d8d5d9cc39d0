package org.nbstack.netbios.interop;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.nbstack.spi.TransportOptions;
import org.nbstack.spi.Transports;
import org.nbstack.tcp.link.NativePlatform;
import org.nbstack.tcp.netty.EngineTransport;

/**
 * The engine transport on a TUN device whose kernel side lives in a network namespace this fixture creates, so
 * that programs nobody here wrote (impacket, smbclient, jcifs-ng in a child JVM) reach the server on the engine
 * through the kernel's own TCP. The engine opens /dev/net/tun in this JVM when its link opens (the server's bind);
 * the device is then moved into the namespace, where it gets {@link #KERNEL} and a route to {@link #ENGINE}; the
 * descriptor keeps working. Nothing is configured outside the namespace. {@link #close} closes the engine (and with
 * it the device) and deletes the namespace, also when the test failed.
 *
 * <p>The server gets its engine by transport name, as everywhere in this module; this test fixture alone uses the
 * engine's classes (test scope): to ask where the TUN link runs, and to close the engine, which holds the device.
 * Public for the file service's real-client tests (netbios-session's test-jar).
 */
public final class EngineTun implements AutoCloseable {

    /** The engine's address: only the namespace knows a route to it. */
    public static final String ENGINE = "10.139.77.1";
    /** The kernel's side of the TUN device, inside the namespace. */
    public static final String KERNEL = "10.139.77.2";
    private static final int CAP_NET_ADMIN = 12;
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    /** The ip command's path, also where PATH lacks the sbin directories; null when it is not installed. */
    private static final String IP = which("ip");

    public final String device;
    public final String namespace;
    private final TransportOptions options;
    private boolean namespaceCreated;

    private EngineTun(String device, String namespace) {
        this.device = device;
        this.namespace = namespace;
        this.options = TransportOptions.of(Map.of("addresses", ENGINE, "link", "tun://" + device + "?mtu=1500"));
    }

    /** A fixture for one test, or the test is skipped saying exactly what this machine lacks. */
    public static EngineTun open() {
        assumeAvailable();
        String suffix = ProcessHandle.current().pid() % 100000 + "x" + SEQUENCE.incrementAndGet();
        return new EngineTun("nbn" + suffix, "nbn" + suffix); // interface names: at most 15 characters
    }

    public static void assumeAvailable() {
        String platform = NativePlatform.unsupportedReason();
        assumeTrue(platform == null, () -> "the engine's TUN link cannot run here: " + platform);
        assumeTrue(hasNetAdmin(), "needs CAP_NET_ADMIN (run as root) to open a TUN device and create a network namespace");
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "/dev/net/tun is missing (load the tun module)");
        assumeTrue(IP != null, "the ip command is not installed (Debian package iproute2)");
    }

    /** Transport options for a server on the engine: {@link #ENGINE} on this fixture's TUN device. */
    public TransportOptions transportOptions() {
        return options;
    }

    /**
     * Moves the device, which the engine opened when the server bound, into a fresh namespace and gives the
     * kernel there its address; from then on {@link #exec} runs programs that reach {@link #ENGINE}.
     */
    public void attachNamespace() {
        run(List.of(IP, "netns", "add", namespace));
        namespaceCreated = true;
        run(List.of(IP, "-n", namespace, "link", "set", "lo", "up"));
        run(List.of(IP, "link", "set", "dev", device, "netns", namespace));
        run(List.of(IP, "-n", namespace, "addr", "add", KERNEL + "/24", "dev", device));
        run(List.of(IP, "-n", namespace, "link", "set", "dev", device, "up"));
    }

    public record Result(int exit, String output) {
    }

    /** Runs {@code command} in the namespace and returns its exit status and output (stderr merged). */
    public Result exec(Duration timeout, List<String> command, Map<String, String> environment) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(commandInNamespace(command)).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        // Read while it runs: a chatty child must not block on a full pipe.
        StringBuilder output = new StringBuilder();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                output.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                output.append("(output lost: ").append(e).append(')');
            }
        });
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            reader.join(5000);
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout + "; it said: " + output);
        }
        reader.join(5000);
        return new Result(process.exitValue(), output.toString());
    }

    /** {@code command} prefixed so that it runs in the namespace (ip netns exec), for callers that start processes themselves. */
    public List<String> commandInNamespace(List<String> command) {
        List<String> full = new ArrayList<>(List.of(IP, "netns", "exec", namespace));
        full.addAll(command);
        return full;
    }

    /** Closes the engine (its TUN descriptor, so the device goes) and deletes the namespace. */
    @Override
    public void close() {
        try {
            ((EngineTransport) Transports.named("engine", options)).engine().close();
        } finally {
            if (namespaceCreated) {
                run(List.of(IP, "netns", "del", namespace));
            }
        }
    }

    private static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + COMMAND_TIMEOUT);
            }
            String text = new String(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue() + ": " + text.strip());
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        }
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

    /** The path of {@code command} on PATH or in the sbin directories, or null. */
    static String which(String command) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        for (String dir : dirs) {
            Path candidate = Path.of(dir, command);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
