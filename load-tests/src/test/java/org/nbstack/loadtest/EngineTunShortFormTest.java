package org.nbstack.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.nbstack.loadtest.report.OfflineReport;
import org.nbstack.loadtest.runner.LoadTestMain;
import org.nbstack.loadtest.runner.ShortForms;
import org.nbstack.loadtest.runner.SimulationCatalog;
import org.nbstack.loadtest.targets.NetworkNamespace;

/**
 * Every simulation's short form on {@code engine-tun}: the server's engine on a TUN device, the kernel's TCP as the
 * clients. That needs a network namespace of its own, which a JVM cannot enter for itself (unshare(2) of a
 * multi-threaded process fails), so the short forms run in a child JVM started under {@code unshare -n}, as
 * {@code bin/loadtest short-forms --transport engine-tun} would; every address lives in that namespace. Root only
 * (TUN and unshare need CAP_NET_ADMIN/CAP_SYS_ADMIN); skipped with the reason elsewhere.
 *
 * <p>The child runs Netty's leak detector PARANOID with Netty's own reporting, so a leak is a {@code LEAK:} line in
 * its output, which fails this test.
 */
class EngineTunShortFormTest {

    private static final long TIMEOUT_SECONDS = 150;
    private static final Path OUTPUT = Path.of("target", "engine-tun-short-forms.log");

    @Test
    void everyShortFormPassesOnTheEngineOverTun() throws Exception {
        assumeTrue(isRoot(), "engine-tun short forms need root: they create a TUN device in a network namespace of their own");
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "engine-tun short forms need /dev/net/tun (modprobe tun)");
        assumeTrue(onPath("unshare") && onPath("ip"), "engine-tun short forms need unshare (util-linux) and ip (iproute2)");

        List<String> command = new ArrayList<>(List.of("unshare", "-n", "--", "sh", "-c", "ip link set lo up && exec \"$0\" \"$@\""));
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(childJvmArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), LoadTestMain.class.getName(), "short-forms",
                "--transport", "engine-tun"));
        Files.createDirectories(OUTPUT.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(OUTPUT.toFile());
        builder.environment().put(NetworkNamespace.MARKER, "1");
        Process child = builder.start();
        boolean ended = child.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!ended) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(OUTPUT);

        assertThat(ended).as("the engine-tun short forms ended within %d s (output in %s)", TIMEOUT_SECONDS, OUTPUT.toAbsolutePath()).isTrue();
        assertThat(child.exitValue()).as("exit status of the engine-tun short forms (2 = an assertion failed; output in %s)",
                OUTPUT.toAbsolutePath()).isZero();
        for (SimulationCatalog.Entry simulation : SimulationCatalog.ALL) {
            String passed = ShortForms.PASSED + simulation + " on engine-tun, report ";
            assertThat(output).as("output of the engine-tun short forms").contains(passed);
            String line = output.lines().filter(l -> l.startsWith(passed)).findFirst().orElseThrow();
            assertThat(OfflineReport.problems(Path.of(line.substring(passed.length()).strip())))
                    .as("resources the %s report loads from elsewhere", simulation).isEmpty();
        }
        assertThat(output).as("Netty's leak detector in the child (output in %s)", OUTPUT.toAbsolutePath()).doesNotContain("LEAK:");
    }

    /**
     * This JVM's options without the reactor's failing leak detector (it only records leaks for a JUnit extension the
     * child does not have) and without agents (coverage would write into this JVM's file).
     */
    private static List<String> childJvmArguments() {
        List<String> arguments = new ArrayList<>();
        for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!argument.startsWith("-Dio.netty.customResourceLeakDetector") && !argument.startsWith("-javaagent")) {
                arguments.add(argument);
            }
        }
        arguments.add("-Dio.netty.leakDetection.level=paranoid");
        return arguments;
    }

    private static boolean isRoot() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) {
                return line.split("\\s+")[1].equals("0");
            }
        }
        return false;
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
