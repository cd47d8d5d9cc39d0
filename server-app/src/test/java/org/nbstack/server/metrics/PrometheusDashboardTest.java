package org.nbstack.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.File;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nbstack.netbios.client.NetbiosClient;
import org.nbstack.netbios.client.NegativeSessionResponseException;
import org.nbstack.server.app.ServerOptions;
import org.nbstack.server.engine.EngineIntrospection;
import org.nbstack.server.engine.EngineMetricNames;
import org.nbstack.server.engine.EngineMetersTestSupport;
import org.nbstack.server.testing.Clients;
import org.nbstack.server.engine.EngineTransportIntrospection;
import org.nbstack.server.testing.Http;
import org.nbstack.server.testing.TestServers;

/**
 * The real Prometheus (Debian's {@code prometheus}) scrapes a running server on loopback with the shipped scrape
 * config, and one engine and one NetBIOS metric come back through its query API; every PromQL expression of the
 * shipped Grafana dashboard is valid and names only metrics the server exposes.
 *
 * <p>The engine listener runs a real engine (its link and shard meters); the kernel listener is given a listening
 * engine stack too, so that the {@code tcp_*} meters have a known TIME_WAIT limit to query.
 */
class PrometheusDashboardTest {

    private static final Path CONFIG_DIR = Path.of("..", "config").toAbsolutePath().normalize();

    @TempDir
    Path work;

    @Test
    void prometheusScrapesTheServerAndTheDashboardQueriesOnlyExposedMetrics() throws Exception {
        Optional<Path> prometheus = onPath("prometheus");
        assumeTrue(prometheus.isPresent(), "the prometheus binary is not installed (Debian package 'prometheus', listed in "
                + ".ci/packages.txt); skipping the Prometheus scrape test");
        EngineIntrospection engine = EngineMetersTestSupport.listeningStack();
        // the engine listener's real engine (link and shard meters); a listening stack stands for one behind the kernel's
        var options = ServerOptions.to(System.out)
                .withEngines(transport -> EngineTransportIntrospection.of(transport).or(() -> Optional.of(engine)));
        var serverConfig = TestServers.config("listeners.engine.enabled=true", "listeners.engine.link=udp://127.0.0.1:" + freeUdpPort(),
                "listeners.direct.transport=nio", "listeners.direct.bind=127.0.0.1:0", "listeners.direct.protocol=smb-direct");
        try (var server = TestServers.start(serverConfig, options); NetbiosClient client = Clients.client(null)) {
            makeEveryEventMeterExist(client, server.kernelAddress());
            makeTheSmbMetersExist(server.server().listenerAddress("direct").orElseThrow().getPort());
            int port = freePort();
            Path config = scrapeConfig(server.adminAddress());
            promtoolCheck(config);
            Process process = new ProcessBuilder(prometheus.get().toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + work.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(work.resolve("prometheus.log").toFile()).start();
            try {
                String api = "http://127.0.0.1:" + port;
                awaitReady(api, process);
                assertThat(awaitValue(api, "netbios_sessions_established_total{listener=\"kernel\",side=\"server\"}"))
                        .isGreaterThanOrEqualTo(1);
                assertThat(awaitValue(api, "tcp_timewait_limit{listener=\"kernel\"}")).isEqualTo(128);

                String exposition = Http.get("http://" + server.adminAddress() + "/metrics", "text/plain").body();
                Set<String> exposed = DashboardQueries.exposedNames(exposition);
                List<String> expressions = DashboardQueries.expressions(CONFIG_DIR.resolve("dashboards/nbstack.json"));
                assertThat(expressions).hasSizeGreaterThan(20);
                Set<String> engineNamesUsed = new TreeSet<>();
                for (String expr : expressions) {
                    Config answer = query(api, DashboardQueries.forPrometheus(expr));
                    assertThat(answer.getString("status")).as("Prometheus accepts " + expr).isEqualTo("success");
                    for (String name : DashboardQueries.metricNames(expr)) {
                        assertThat(exposed).as("metric " + name + " used by " + expr).contains(name);
                        if (name.startsWith(EngineMetricNames.PREFIX)) {
                            engineNamesUsed.add(name);
                        }
                    }
                }
                assertThat(EngineMetricNames.ALL).as("the engine metrics the dashboard uses are the ones listed for the engine")
                        .containsAll(engineNamesUsed);
                assertThat(expressions).as("the SMB panels").anyMatch(e -> e.contains("smb_requests_total"))
                        .anyMatch(e -> e.contains("smb_request_latency_seconds_bucket")).anyMatch(e -> e.contains("smb_opens"));
            } finally {
                process.destroy();
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
    }

    /** Counters born at their first event (closes, refusals, protocol errors) exist once that event happened. */
    private static void makeEveryEventMeterExist(NetbiosClient client, String address) throws Exception {
        var session = Clients.connect(client, address, "ECHO");
        session.close();
        session.onClose().block(Duration.ofSeconds(5));
        try {
            Clients.connect(client, address, "NOBODY");
        } catch (NegativeSessionResponseException expected) {
            // 0x82: counted by the server
        }
        sendMessageBeforeSessionRequest(address);
    }

    /**
     * Samba's smbclient lists the default share over the direct-TCP listener and asks for a file that is not there, so the
     * smb_* meters born at a first request (requests by command and status, latency) exist, an error status among them.
     */
    private static void makeTheSmbMetersExist(int directPort) throws Exception {
        Process p = new ProcessBuilder("smbclient", "//127.0.0.1/share", "-N", "-p", Integer.toString(directPort),
                "--option=client min protocol=SMB2_02", "-c", "ls; get no-such-file /dev/null").redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("smbclient finishes").isTrue();
        assertThat(output).as("smbclient listed the share").contains("blocks available").contains("NT_STATUS_");
    }

    /** A SESSION MESSAGE (type 0x00, one byte) before any SESSION REQUEST: a protocol error the server counts. */
    private static void sendMessageBeforeSessionRequest(String address) throws Exception {
        int colon = address.lastIndexOf(':');
        try (Socket socket = new Socket(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)))) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(new byte[] {0x00, 0x00, 0x00, 0x01, 0x41});
            assertThat(socket.getInputStream().read()).as("the server closes the connection").isEqualTo(-1);
        }
    }

    private Path scrapeConfig(String adminAddress) throws Exception {
        String shipped = Files.readString(CONFIG_DIR.resolve("prometheus/prometheus.yml"));
        assertThat(shipped).contains("127.0.0.1:9139");
        Path config = work.resolve("prometheus.yml");
        Files.writeString(config, shipped.replace("127.0.0.1:9139", adminAddress).replaceAll("scrape_interval: \\S+", "scrape_interval: 1s"));
        return config;
    }

    private static void promtoolCheck(Path config) throws Exception {
        Optional<Path> promtool = onPath("promtool");
        if (promtool.isPresent()) {
            Process check = new ProcessBuilder(promtool.get().toString(), "check", "config", config.toString()).redirectErrorStream(true).start();
            String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(check.waitFor()).as(output).isZero();
        }
    }

    private static void awaitReady(String api, Process process) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(process.isAlive()).as("prometheus is running").isTrue();
            try {
                if (Http.get(api + "/-/ready").statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("prometheus was not ready within 60 s");
    }

    private static double awaitValue(String api, String promql) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Config answer = query(api, promql);
            List<? extends Config> result = answer.getConfigList("data.result");
            if (!result.isEmpty()) {
                return Double.parseDouble(result.getFirst().getList("value").get(1).unwrapped().toString());
            }
            Thread.sleep(250);
        }
        throw new AssertionError("Prometheus has no value for " + promql + " after 60 s");
    }

    private static Config query(String api, String promql) throws Exception {
        String body = Http.get(api + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).body();
        return ConfigFactory.parseString(body);
    }

    private static Optional<Path> onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static int freeUdpPort() throws java.io.IOException {
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
