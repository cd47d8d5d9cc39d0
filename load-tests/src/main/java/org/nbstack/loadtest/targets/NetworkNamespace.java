package org.nbstack.loadtest.targets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The TUN profile's surroundings: it runs only inside a network namespace made for the run ({@code bin/loadtest}
 * re-executes itself under {@code unshare -n} and sets {@value #MARKER}), so no address it configures is visible
 * outside; there the kernel side of the TUN device gets {@value #KERNEL_SIDE}.
 */
public final class NetworkNamespace {

    public static final String MARKER = "NBSTACK_LOADTEST_NETNS";
    public static final String TUN_DEVICE = "nbload0";
    static final String KERNEL_SIDE = "10.77.139.1/24";

    private NetworkNamespace() {
    }

    static Optional<String> unavailableReason(String target) {
        if (!"1".equals(System.getenv(MARKER))) {
            return Optional.of("load target '" + target + "' runs only in a network namespace of its own: use bin/loadtest "
                    + "--transport " + target + " as root, which runs the test under unshare -n");
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            return Optional.of("load target '" + target + "' needs /dev/net/tun (modprobe tun)");
        }
        return Optional.empty();
    }

    /** Gives the kernel side of the engine's TUN device its address and brings it up; call after the engine opened it. */
    public static void configureKernelSide() throws IOException, InterruptedException {
        run(List.of("ip", "addr", "replace", KERNEL_SIDE, "dev", TUN_DEVICE));
        run(List.of("ip", "link", "set", TUN_DEVICE, "up"));
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output.strip());
        }
    }
}
