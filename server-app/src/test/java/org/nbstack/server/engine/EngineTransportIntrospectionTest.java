package org.nbstack.server.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.nbstack.server.admin.NetstatView;
import org.nbstack.server.testing.TestServers;
import org.nbstack.spi.Availability;
import org.nbstack.spi.Transports;
import org.nbstack.spi.link.PacketLinks;

/**
 * The server on the userspace engine: netstat through the admin source, the engine meters, and a graceful stop
 * that leaves no connection closing. Skips until the {@code engine} transport is part of the build.
 */
class EngineTransportIntrospectionTest {

    static void assumeEngine() {
        Availability engine = Transports.availability().get("engine");
        assumeTrue(engine != null && engine.isAvailable(), "the 'engine' transport is "
                + (engine == null ? "not in this build yet" : "unavailable here: " + engine.reason())
                + "; wire EngineTransportIntrospection when it lands");
    }

    static void assumeUdpLink() {
        assumeTrue(PacketLinks.providers().containsKey("udp"), "the 'udp' PacketLink is not in this build yet (links here: "
                + PacketLinks.providers().keySet() + "); this test runs once tcp-engine registers it");
    }

    @Test
    void netstatShowsTheEngineListenerAndTheMetersAreExposed() {
        assumeEngine();
        var config = TestServers.config("listeners.engine.enabled=true", "listeners.engine.required=true",
                "listeners.engine.link=mem://nbstack-introspection-test");
        try (var server = TestServers.start(config)) {
            NetstatView netstat = server.server().netstat(Duration.ofSeconds(2));
            assertThat(netstat.engineRunning()).as(netstat.message()).isTrue();
            assertThat(netstat.connections()).anySatisfy(c -> {
                assertThat(c.local()).isEqualTo("10.139.0.1:139");
                assertThat(c.state().netstatName()).isEqualTo("LISTEN");
            });
            assertThat(server.server().scrape(null).text()).contains(EngineMetricNames.CONNECTIONS + "{listener=\"engine\"");
        }
    }

    /** What an operator sees: the admin endpoint's /netstat (JSON and text) and {@code nbstack netstat} list an engine session. */
    @Test
    void adminNetstatAndTheCliListAnEstablishedEngineSession() throws Exception {
        assumeEngine();
        String link = "mem://nbstack-admin-netstat-test";
        var config = TestServers.config("listeners.engine.enabled=true", "listeners.engine.required=true", "listeners.engine.link=" + link);
        var clientTransport = Transports.named("engine", org.nbstack.spi.TransportOptions.of(java.util.Map.of(
                "addresses", "10.139.0.2", "link", link)));
        try (var server = TestServers.start(config);
                var client = org.nbstack.netbios.client.NetbiosClient.create(clientTransport,
                        org.nbstack.netbios.client.NetbiosClientSettings.DEFAULT, new io.micrometer.core.instrument.simple.SimpleMeterRegistry())) {
            var session = client.connect(new java.net.InetSocketAddress("10.139.0.1", 139),
                    org.nbstack.netbios.name.NetbiosName.server("ECHO"), org.nbstack.netbios.name.NetbiosName.of("TESTER", 0))
                    .block(Duration.ofSeconds(10));
            String base = "http://" + server.adminAddress();

            var json = com.typesafe.config.ConfigFactory.parseString(org.nbstack.server.testing.Http.get(base + "/netstat").body());
            assertThat(json.getBoolean("engine_running")).isTrue();
            assertThat(json.getString("message")).isEqualTo("engine 10.139.0.1 over " + link);
            assertThat(json.getConfigList("connections")).anySatisfy(row -> {
                assertThat(row.getString("local")).isEqualTo("10.139.0.1:139");
                assertThat(row.getString("remote")).startsWith("10.139.0.2:");
                assertThat(row.getString("state")).isEqualTo("ESTABLISHED");
                assertThat(row.getString("proto")).isEqualTo("tcp");
                assertThat(row.getString("congestion_control")).isEqualTo("cubic"); // the default
            });
            assertThat(org.nbstack.server.testing.Http.get(base + "/netstat?format=text").body())
                    .startsWith("Proto").containsPattern("10\\.139\\.0\\.1:139 +10\\.139\\.0\\.2:\\d+ +ESTABLISHED");

            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            int status = org.nbstack.server.cli.Main.run(new String[] {"netstat", "--admin", server.adminAddress()},
                    new java.io.PrintStream(out, true), System.err, java.util.Map.of());
            assertThat(status).as(out.toString()).isZero();
            assertThat(out.toString()).containsPattern("10\\.139\\.0\\.1:139 +0\\.0\\.0\\.0:\\* +LISTEN")
                    .containsPattern("10\\.139\\.0\\.1:139 +10\\.139\\.0\\.2:\\d+ +ESTABLISHED .* cubic cwnd \\d+\n");
            session.close();
        }
    }

    /** The README's engine mode: the server's engine and ping's engine exchange packets as UDP datagrams on loopback. */
    @Test
    void pingReachesTheEngineListenerOverTheUdpLink() throws Exception {
        assumeEngine();
        assumeUdpLink();
        int serverUdp = freeUdpPort();
        int clientUdp = freeUdpPort();
        var config = TestServers.config("listeners.engine.enabled=true", "listeners.engine.required=true",
                "listeners.engine.link=udp://127.0.0.1:" + serverUdp + "?peer.10.139.0.2=127.0.0.1:" + clientUdp);
        try (var server = TestServers.start(config)) {
            assertThat(server.output()).contains("listening: engine transport=engine link=udp://127.0.0.1:" + serverUdp);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            int status = org.nbstack.server.cli.Main.run(new String[] {"ping", "ECHO", "--transport", "engine", "--address", "10.139.0.1:139",
                    "--engine-address", "10.139.0.2", "--link", "udp://127.0.0.1:" + clientUdp + "?peer.10.139.0.1=127.0.0.1:" + serverUdp,
                    "--count", "3", "--interval", "0ms"}, new java.io.PrintStream(out, true), System.err, java.util.Map.of());
            assertThat(status).as(out.toString()).isZero();
            assertThat(out.toString()).contains("3 sent, 3 received, 0% lost");
        }
    }

    /** SIGTERM's path on the engine: every connection FINs and none is left in FIN_WAIT/CLOSING/LAST_ACK. */
    @Test
    void gracefulStopLeavesNoEngineConnectionClosing() throws Exception {
        assumeEngine();
        var config = TestServers.config("listeners.engine.enabled=true", "listeners.engine.required=true",
                "listeners.engine.link=mem://nbstack-shutdown-test");
        var started = TestServers.start(config);
        var clientMeters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        var clientTransport = Transports.named("engine", org.nbstack.spi.TransportOptions.of(java.util.Map.of(
                "addresses", "10.139.0.2", "link", "mem://nbstack-shutdown-test")));
        try (var client = org.nbstack.netbios.client.NetbiosClient.create(clientTransport,
                org.nbstack.netbios.client.NetbiosClientSettings.DEFAULT, clientMeters)) {
            java.util.List<org.nbstack.netbios.session.NetbiosSession> sessions = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                sessions.add(client.connect(new java.net.InetSocketAddress("10.139.0.1", 139),
                        org.nbstack.netbios.name.NetbiosName.server("ECHO"),
                        org.nbstack.netbios.name.NetbiosName.of("TESTER", 0)).block(Duration.ofSeconds(10)));
            }
            EngineIntrospection engine = EngineTransportIntrospection.of(clientTransport).orElseThrow();

            var report = started.server().stop(Duration.ofSeconds(10));

            assertThat(report.closedGracefully()).isEqualTo(4);
            assertThat(report.aborted()).isZero();
            for (var session : sessions) {
                session.onClose().block(Duration.ofSeconds(10));
            }
            assertThat(clientMeters.find("netbios.sessions.closed").tag("reason", "peer_closed").counter().count()).isEqualTo(4);
            // the server waited for its side before it stopped; the client's side follows within a round trip
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            int closing;
            do {
                var closingStates = java.util.EnumSet.of(org.nbstack.tcp.core.TcpState.FIN_WAIT_1, org.nbstack.tcp.core.TcpState.FIN_WAIT_2,
                        org.nbstack.tcp.core.TcpState.CLOSING, org.nbstack.tcp.core.TcpState.LAST_ACK);
                closing = (int) engine.netstat().toCompletableFuture().get(2, java.util.concurrent.TimeUnit.SECONDS).stream()
                        .filter(c -> closingStates.contains(c.state())).count();
                Thread.sleep(50);
            } while (closing > 0 && System.nanoTime() < deadline);
            assertThat(closing).isZero();
        }
    }

    private static int freeUdpPort() throws Exception {
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void theDefaultEngineOptionsAreTheOnesTheReadmeDocuments() {
        var engine = TestServers.config("listeners.engine.enabled=true").listeners().getFirst();
        assertThat(engine.allTransportOptions()).containsOnlyKeys("addresses", "link", "threads");
        assertThat(engine.allTransportOptions()).containsEntry("addresses", "10.139.0.1").containsEntry("threads", "1");
    }
}
