package org.nbstack.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.netty.buffer.Unpooled;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nbstack.netbios.client.NetbiosClient;
import org.nbstack.netbios.session.NetbiosSession;
import org.nbstack.server.testing.Clients;
import org.nbstack.server.testing.Http;
import org.nbstack.server.testing.TestServers;

class AdminEndpointTest {

    @Test
    void healthzStatusAndSessionsDescribeTheRunningServer() throws Exception {
        try (var server = TestServers.start(TestServers.config()); NetbiosClient client = Clients.client(null)) {
            NetbiosSession session = Clients.connect(client, server.kernelAddress(), "ECHO");
            String base = "http://" + server.adminAddress();

            HttpResponse<String> health = Http.get(base + "/healthz");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("ok\n");

            HttpResponse<String> statusResponse = Http.get(base + "/status");
            assertThat(statusResponse.headers().firstValue("Content-Type")).contains("application/json");
            Config status = ConfigFactory.parseString(statusResponse.body());
            assertThat(status.getInt("active_sessions")).isEqualTo(1);
            assertThat(status.getBoolean("engine_running")).isFalse();
            Config kernel = status.getConfigList("listeners").getFirst();
            assertThat(kernel.getString("name")).isEqualTo("kernel");
            assertThat(kernel.getString("state")).isEqualTo("running");
            assertThat(kernel.getString("address")).isEqualTo(server.kernelAddress());
            assertThat(kernel.getStringList("names")).contains("ECHO<20>", "DISCARD<20>");

            Config sessions = ConfigFactory.parseString(Http.get(base + "/sessions").body());
            List<? extends Config> rows = sessions.getConfigList("sessions");
            assertThat(rows).hasSize(1);
            assertThat(rows.getFirst().getString("called")).isEqualTo("ECHO<20>");
            assertThat(rows.getFirst().getString("calling")).isEqualTo("TESTER<00>");
            assertThat(rows.getFirst().getString("remote")).startsWith("127.0.0.1:");
            assertThat(rows.getFirst().getString("state")).isEqualTo("ESTABLISHED");
            assertThat(rows.getFirst().getString("listener")).isEqualTo("kernel");

            assertThat(Http.get(base + "/sessions?format=text").body()).contains("ECHO<20>").contains("TESTER<00>").contains("1 session");
            session.close();
        }
    }

    @Test
    void netstatSaysTheEngineIsNotRunningAndWhy() throws Exception {
        // a link no engine accepts: skipped today because the engine transport is missing, later because of the link
        var config = TestServers.config("listeners.engine.enabled=true", "listeners.engine.link=bogus://nowhere");
        try (var server = TestServers.start(config)) {
            Config netstat = ConfigFactory.parseString(Http.get("http://" + server.adminAddress() + "/netstat").body());
            assertThat(netstat.getBoolean("engine_running")).isFalse();
            assertThat(netstat.getString("message")).startsWith("the engine is not running here: listener engine was skipped: transport 'engine' unavailable");
            assertThat(Http.get("http://" + server.adminAddress() + "/netstat?format=text").body())
                    .startsWith("the engine is not running here");
        }
    }

    @Test
    void metricsExposeNetbiosJvmProcessAndNettyMetersInPrometheusAndOpenMetricsFormat() throws Exception {
        try (var server = TestServers.start(TestServers.config()); NetbiosClient client = Clients.client(null)) {
            NetbiosSession session = Clients.connect(client, server.kernelAddress(), "ECHO");
            session.send(Unpooled.wrappedBuffer(new byte[10]));
            session.inbound().next().doOnNext(b -> b.release()).block(Duration.ofSeconds(10));
            String url = "http://" + server.adminAddress() + "/metrics";

            HttpResponse<String> text = Http.get(url, "text/plain");
            assertThat(text.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain; version=0.0.4");
            assertThat(text.body())
                    .contains("netbios_sessions_active{listener=\"kernel\",side=\"server\"} 1.0")
                    .contains("netbios_sessions_established_total{listener=\"kernel\",side=\"server\"} 1.0")
                    .contains("netbios_session_queue_depth{")
                    .contains("jvm_memory_used_bytes")
                    .contains("process_cpu_usage")
                    .contains("netty_allocator_memory_used")
                    .contains("netty_eventexecutor_tasks_pending");

            HttpResponse<String> open = Http.get(url, "application/openmetrics-text; version=1.0.0");
            assertThat(open.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/openmetrics-text");
            assertThat(open.body()).endsWith("# EOF\n").contains("netbios_sessions_established_total");
            session.close();
        }
    }

    @Test
    void anUnknownPathIsA404ThatListsTheEndpoints() throws Exception {
        try (var server = TestServers.start(TestServers.config())) {
            HttpResponse<String> response = Http.get("http://" + server.adminAddress() + "/nope");
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.body()).contains("/metrics").contains("/sessions");
        }
    }

    /** Seed 004: a session whose peer stopped reading must not slow the admin endpoint down. */
    @Test
    void theAdminEndpointKeepsAnsweringWhileASessionIsStalled() throws Exception {
        var config = TestServers.config("netbios.write-stall-timeout=0s", "netbios.send-buffer=4096");
        try (var server = TestServers.start(config); Socket stalled = new Socket()) {
            String[] hostPort = server.kernelAddress().split(":");
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new java.net.InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])));
            OutputStream out = stalled.getOutputStream();
            out.write(sessionRequest("CHARGEN", "STALLER"));
            out.flush();
            InputStream in = stalled.getInputStream();
            assertThat(in.read()).isEqualTo(0x82); // POSITIVE SESSION RESPONSE; from now on this client never reads
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (outboundMessages(server.adminAddress()) < 100 && System.nanoTime() < deadline) {
                Thread.sleep(20); // chargen fills every buffer towards the client, then its own queue (128 messages)
            }
            for (int i = 0; i < 20; i++) {
                long start = System.nanoTime();
                HttpResponse<String> status = Http.get("http://" + server.adminAddress() + "/sessions");
                assertThat(status.statusCode()).isEqualTo(200);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            }
            assertThat(outboundMessages(server.adminAddress())).isGreaterThanOrEqualTo(100);
        }
    }

    private static int outboundMessages(String admin) throws Exception {
        Config sessions = ConfigFactory.parseString(Http.get("http://" + admin + "/sessions").body());
        return sessions.getConfigList("sessions").getFirst().getInt("outbound_messages");
    }

    /** RFC 1002 §4.3.2 SESSION REQUEST with first-level encoded names and no scope. */
    static byte[] sessionRequest(String called, String calling) {
        byte[] calledName = encode(called, 0x20);
        byte[] callingName = encode(calling, 0x00);
        int length = calledName.length + callingName.length;
        byte[] packet = new byte[4 + length];
        packet[0] = (byte) 0x81;
        packet[2] = (byte) (length >> 8);
        packet[3] = (byte) length;
        System.arraycopy(calledName, 0, packet, 4, calledName.length);
        System.arraycopy(callingName, 0, packet, 4 + calledName.length, callingName.length);
        return packet;
    }

    private static byte[] encode(String name, int suffix) {
        byte[] raw = new byte[16];
        java.util.Arrays.fill(raw, (byte) ' ');
        byte[] text = name.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        System.arraycopy(text, 0, raw, 0, text.length);
        raw[15] = (byte) suffix;
        byte[] encoded = new byte[34];
        encoded[0] = 32;
        for (int i = 0; i < 16; i++) {
            encoded[1 + 2 * i] = (byte) ('A' + ((raw[i] >> 4) & 0x0F));
            encoded[2 + 2 * i] = (byte) ('A' + (raw[i] & 0x0F));
        }
        return encoded;
    }

    @Test
    void theRootIsAnIndexAnUnknownPathIsA404AndASkippedListenerMakesHealthzDegraded() throws Exception {
        try (var server = TestServers.start(TestServers.config("listeners.engine.enabled=true", "listeners.engine.link=udp:nohost"))) {
            String base = "http://" + server.adminAddress();
            HttpResponse<String> index = Http.get(base + "/");
            assertThat(index.statusCode()).isEqualTo(200);
            assertThat(index.body()).contains("/metrics").contains("/healthz").contains("/status").contains("/sessions").contains("/netstat");
            for (String unknown : List.of("/healthzzz", "/metrics/extra", "/nosuch")) {
                assertThat(Http.get(base + unknown).statusCode()).as(unknown).isEqualTo(404);
            }
            HttpResponse<String> health = Http.get(base + "/healthz");
            assertThat(health.statusCode()).as("the kernel listener serves").isEqualTo(200);
            assertThat(health.body()).startsWith("degraded: listener engine skipped: ");
        }
    }
}
