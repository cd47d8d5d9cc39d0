package org.nbstack.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nbstack.server.testing.Http;

/**
 * The packet-level suite against the real server: {@code bin/nbstack serve} with its engine listener on a
 * {@code tun://} device, the device moved into a namespace this test creates, and crafted packets
 * ({@code packet-suite/packet_suite.py}, Debian's python3-scapy) written onto it from a peer address the kernel does
 * not own. The script checks exact replies and their timing (handshake options and MSS against the MTU, LAND,
 * invalid sources, malformed headers and options, ICMP echo and "fragmentation needed", a fragmented SYN, SYNs and
 * RSTs into TIME_WAIT, lost-FIN backoff); then the server's own counters, read at its admin {@code /metrics}, must
 * show what it dropped, and the server must still be running.
 */
class PacketSuiteIT {
    private static final String ENGINE = "10.77.0.2";
    private static final String KERNEL = "10.77.0.1";
    private static final int PORT = 139;
    private static final int MTU = 1400;
    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path work;

    @Test
    @Timeout(240)
    void craftedPacketsAgainstServeOnTunGetExactlyTheRepliesTheRfcsPrescribe() throws Exception {
        TestNamespace.assumeAvailable();
        assumeTrue(Files.isExecutable(Path.of(PYTHON))
                        && TestNamespace.runForResult(List.of(PYTHON, "-c", "import scapy.all")).exit() == 0,
                "skipped: Debian's python3-scapy is not installed (" + PYTHON + " cannot import scapy)");
        Path script = work.resolve("packet_suite.py");
        try (InputStream in = PacketSuiteIT.class.getResourceAsStream("/packet-suite/packet_suite.py")) {
            Files.write(script, in.readAllBytes());
        }
        String device = TestNamespace.uniqueName("nbps");
        int admin = Launcher.freeTcpPort();
        Path config = work.resolve("nbstack.conf");
        Files.writeString(config, """
                nbstack {
                  listeners.engine {
                    transport = engine
                    addresses = "%s"
                    bind = "%s:%d"
                    link = "tun://%s?mtu=%d"
                    required = true
                  }
                  listeners.kernel.enabled = false
                  admin.bind = "127.0.0.1:%d"
                }
                """.formatted(ENGINE, ENGINE, PORT, device, MTU, admin));
        Launcher nbstack = new Launcher(work);
        Process serve = nbstack.start("serve", "serve", "--config", config.toString());
        TestNamespace ns = null;
        try {
            nbstack.awaitOutput("serve", "serving;", serve);
            assertThat(nbstack.out("serve")).contains("listening: engine transport=engine");
            // serve created the device in this namespace; its kernel side moves into the test's own
            ns = TestNamespace.create("nbpsn");
            TestNamespace.run(List.of("ip", "link", "set", "dev", device, "netns", ns.name));
            ns.ip("addr", "add", KERNEL + "/24", "dev", device);
            ns.ip("link", "set", "dev", device, "up");

            TestNamespace.Result run = ns.exec(180, PYTHON, "-B", script.toString(), device, ENGINE, "" + PORT, "" + MTU);
            String output = run.output().strip();
            assertThat(output.lines().filter(l -> l.startsWith("FAIL"))).as(output).isEmpty();
            assertThat(output).as(output).matches("(?s).*\\n\\d+ passed, 0 failed$");
            assertThat(run.exit()).as(output).isZero();

            String metrics = Http.get("http://127.0.0.1:" + admin + "/metrics").body();
            assertThat(meter(metrics, "tcp_drops_total", "reason=\"own_source_address\"")).as("the LAND packet").isEqualTo(1);
            assertThat(meter(metrics, "tcp_drops_total", "reason=\"bad_address\"")).as("four martian sources").isEqualTo(4);
            assertThat(meter(metrics, "tcp_drops_total", "reason=\"bad_port\"")).as("two port-0 SYNs").isEqualTo(2);
            assertThat(meter(metrics, "ip_icmp_echo_total", "kind=\"reply\"")).isEqualTo(1);
            assertThat(meter(metrics, "ip_icmp_frag_needed_total", "outcome=\"lowered\"")).isEqualTo(1);
            assertThat(meter(metrics, "ip_reassembly_total", "outcome=\"complete\"")).isEqualTo(1);
            assertThat(meter(metrics, "tcp_timewait_resets_total", "result=\"released\""))
                    .as("the reconnecting peer's RST to our ACK of its SYN").isEqualTo(1);
            assertThat(meter(metrics, "tcp_timewait_resets_total", "result=\"ignored\"")).as("the unsolicited RST").isEqualTo(1);
            assertThat(serve.isAlive()).as("the server survived the suite").isTrue();
        } finally {
            serve.destroy();
            serve.waitFor(30, TimeUnit.SECONDS);
            if (ns != null) {
                ns.close();
            }
        }
    }

    /** The value of {@code name} in a Prometheus exposition, for the series whose labels contain {@code label}. */
    private static long meter(String metrics, String name, String label) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{([^}]*)} (\\S+)$").matcher(metrics);
        while (m.find()) {
            if (m.group(1).contains(label)) {
                return (long) Double.parseDouble(m.group(2));
            }
        }
        throw new AssertionError(name + "{" + label + "} is not exported:\n" + metrics);
    }
}
