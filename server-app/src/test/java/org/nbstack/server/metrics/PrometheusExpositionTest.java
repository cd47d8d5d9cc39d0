package org.nbstack.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.net.DatagramSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.nbstack.server.testing.Http;
import org.nbstack.server.testing.TestServers;

/**
 * The admin endpoint's {@code /metrics} as a Prometheus operator uses it: clean for {@code promtool check metrics},
 * the counters a dashboard needs present at zero before their first event, build and listener state exported, the
 * engine's link meters exported, no label that changes at every restart, gzip when the scraper asks.
 */
public class PrometheusExpositionTest {

    @Test
    void promtoolFindsNothingToCriticise() throws Exception {
        Optional<File> promtool = onPath("promtool");
        assumeTrue(promtool.isPresent(), "promtool is not installed (Debian package prometheus)");
        try (var server = startBothListeners()) {
            assertPromtoolClean(promtool.get(), Http.get("http://" + server.adminAddress() + "/metrics").body());
        }
    }

    /** {@code promtool check metrics} has nothing to say about {@code metrics} (missing HELP, bad names, units). */
    public static void assertPromtoolClean(File promtool, String metrics) throws Exception {
        Process check = new ProcessBuilder(promtool.getPath(), "check", "metrics").redirectErrorStream(true).start();
        check.getOutputStream().write(metrics.getBytes(StandardCharsets.UTF_8));
        check.getOutputStream().close();
        String findings = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(findings).as("promtool check metrics").isEmpty();
        assertThat(check.exitValue()).isZero();
    }

    @Test
    void whatADashboardNeedsIsThereFromTheStart() throws Exception {
        try (var server = startBothListeners()) {
            String metrics = Http.get("http://" + server.adminAddress() + "/metrics").body();
            assertThat(metrics)
                    .containsPattern("(?m)^netbios_sessions_closed_total\\{listener=\"kernel\",reason=\"peer_closed\",side=\"server\"} 0(\\.0)?$")
                    .containsPattern("(?m)^netbios_protocol_errors_total\\{listener=\"engine\",reason=\"[a-z_]+\",side=\"server\"} 0(\\.0)?$")
                    .containsPattern("(?m)^netbios_received_bytes_total\\{listener=\"kernel\",side=\"server\"} 0(\\.0)?$")
                    .containsPattern("(?m)^nbstack_build_info\\{java=\"[^\"]+\",version=\"[^\"]+\"} 1(\\.0)?$")
                    .containsPattern("(?m)^nbstack_listener_up\\{listener=\"kernel\",transport=\"nio\"} 1(\\.0)?$")
                    .containsPattern("(?m)^nbstack_listener_up\\{listener=\"engine\",transport=\"engine\"} 1(\\.0)?$")
                    .containsPattern("(?m)^nbstack_engine_link_packets_total\\{direction=\"in\",link=\"udp://[^\"]+\",listener=\"engine\"} ")
                    .containsPattern("(?m)^nbstack_engine_shards\\{link=\"udp://[^\"]+\",listener=\"engine\"} ")
                    .doesNotContain("bytes_in_bytes").doesNotContain("netbios_bytes_")
                    .doesNotContainPattern("(?m)^netty_allocator_[a-z_]+\\{[^}]*\\bid=");
        }
    }

    @Test
    void aSkippedListenerIsDownAndTheScrapeIsGzippedWhenAsked() throws Exception {
        // an engine listener whose link cannot open (a malformed URI): skipped, the kernel listener serves
        try (var server = TestServers.start(TestServers.config("listeners.engine.enabled=true", "listeners.engine.link=udp:nohost"))) {
            assertThat(server.output()).contains("skipped:   engine");
            HttpResponse<byte[]> response;
            try (HttpClient client = HttpClient.newHttpClient()) {
                response = client.send(HttpRequest.newBuilder(URI.create("http://" + server.adminAddress() + "/metrics"))
                        .header("Accept-Encoding", "gzip").timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
            }
            assertThat(response.headers().firstValue("Content-Encoding")).contains("gzip");
            String metrics = new String(new GZIPInputStream(new ByteArrayInputStream(response.body())).readAllBytes(), StandardCharsets.UTF_8);
            assertThat(metrics).containsPattern("(?m)^nbstack_listener_up\\{listener=\"engine\",transport=\"engine\"} 0(\\.0)?$")
                    .containsPattern("(?m)^nbstack_listener_up\\{listener=\"kernel\",transport=\"nio\"} 1(\\.0)?$");
        }
    }

    private static TestServers.Started startBothListeners() throws Exception {
        int udp;
        try (DatagramSocket socket = new DatagramSocket(0)) {
            udp = socket.getLocalPort();
        }
        var server = TestServers.start(TestServers.config("listeners.engine.enabled=true", "listeners.engine.link=udp://127.0.0.1:" + udp));
        assertThat(server.output()).contains("listening: engine").contains("listening: kernel");
        return server;
    }

    public static Optional<File> onPath(String command) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(dir -> new File(dir, command)).filter(File::canExecute).findFirst();
    }
}
