package org.nbstack.netbios.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nbstack.netbios.testing.TestServers.count;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nbstack.netbios.codec.NbssFrames;
import org.nbstack.netbios.codec.SessionRequest;
import org.nbstack.netbios.name.NetbiosName;
import org.nbstack.netbios.session.SessionHandler;
import org.nbstack.netbios.testing.RawNbssClient;
import org.nbstack.netbios.testing.RawNbssClient.Frame;
import org.nbstack.netbios.testing.SchedulerAccounting;
import org.nbstack.netbios.testing.TestNetwork;
import org.nbstack.netbios.testing.TestServers;

/**
 * Session establishment (RFC 1002 §5.2.1.2) and the data-phase rules, seen from a raw client: a kernel socket on
 * 127.0.0.1, or for the tests that also run on {@code engine}, a channel of a second engine on a {@code mem} link.
 */
class SessionEstablishmentTest {

    private static final NetbiosName SERVER = NetbiosName.server("SERVER");
    private static final NetbiosName CLIENT = NetbiosName.of("CLIENT", 0);
    private static final SessionHandler ECHO = session -> session.inbound();

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ListenerRegistry listeners = new ListenerRegistry();
    private NetbiosServer server;
    private TestNetwork network;

    static java.util.stream.Stream<String> transports() {
        return java.util.stream.Stream.concat(TestServers.kernelTransports(), java.util.stream.Stream.of("engine"));
    }

    /** For the refusals and data-phase rules: one kernel transport, and the engine. */
    static java.util.stream.Stream<String> nioAndEngine() {
        return java.util.stream.Stream.of("nio", "engine");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (network != null) {
            network.close();
        }
    }

    private InetSocketAddress start(String transport, UnaryOperator<NetbiosServerSettings.Builder> settings) {
        if (network == null) {
            network = TestNetwork.of(transport, "mem://");
        }
        server = network.start(listeners, meters, settings);
        return server.localAddress();
    }

    private RawNbssClient connect(InetSocketAddress address) throws IOException {
        return network.connect(address);
    }

    private InetSocketAddress start() {
        return start("nio", b -> b);
    }

    @ParameterizedTest
    @MethodSource("transports")
    void aListenedNameGetsAPositiveResponseAndItsHandlerEchoes(String transport) throws IOException {
        listeners.listen(NameListener.of(SERVER, ECHO));
        try (RawNbssClient client = connect(start(transport, b -> b))) {
            assertThat(client.requestSession(SERVER, CLIENT)).isEqualTo(0x82);
            client.sendMessage("ping".getBytes(StandardCharsets.US_ASCII));
            Frame echo = client.read();
            assertThat(echo.type()).isZero();
            assertThat(new String(echo.body(), StandardCharsets.US_ASCII)).isEqualTo("ping");
            assertThat(server.sessions()).singleElement().satisfies(s -> {
                assertThat(s.calledName()).isEqualTo(SERVER);
                assertThat(s.callingName()).isEqualTo(CLIENT);
            });
        }
        assertThat(meters.find("netbios.sessions.established").counter().count()).isEqualTo(1);
        assertThat(meters.find("netbios.session.setup").timer().count()).isEqualTo(1);
    }

    @Test
    void aSessionIsListedBeforeItsCallerHearsPositive() throws IOException {
        listeners.listen(NameListener.of(SERVER, ECHO));
        InetSocketAddress address = start();
        // A race, so tried many times: a caller that checks the status view as soon as it is accepted finds itself.
        for (int i = 0; i < 200; i++) {
            NetbiosName caller = NetbiosName.of("CALLER" + i, 0);
            try (RawNbssClient client = connect(address)) {
                assertThat(client.requestSession(SERVER, caller)).isEqualTo(0x82);
                assertThat(server.sessions()).as("status right after POSITIVE, attempt " + i)
                        .anySatisfy(s -> assertThat(s.callingName()).isEqualTo(caller));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("nioAndEngine")
    void anUnknownCalledNameGetsNegative82AndTheConnectionCloses(String transport) throws IOException {
        listeners.listen(NameListener.of(SERVER, ECHO));
        assertRefused(start(transport, b -> b), NetbiosName.server("ELSEWHERE"), CLIENT, 0x82);
    }

    @ParameterizedTest
    @MethodSource("nioAndEngine")
    void aCallerTheListenIsNotForGetsNegative81(String transport) throws IOException {
        listeners.listen(NameListener.builder(SERVER).handler(ECHO).allowCallers(NetbiosName.of("FRIEND", 0)).build());
        InetSocketAddress address = start(transport, b -> b);
        assertRefused(address, SERVER, CLIENT, 0x81);
        try (RawNbssClient friend = connect(address)) {
            assertThat(friend.requestSession(SERVER, NetbiosName.of("friend", 0))).isEqualTo(0x82);
        }
    }

    @ParameterizedTest
    @MethodSource("nioAndEngine")
    void aNameRegisteredWithoutAListenGetsNegative80(String transport) throws IOException {
        listeners.registerName(SERVER);
        InetSocketAddress address = start(transport, b -> b);
        assertRefused(address, SERVER, CLIENT, 0x80);
        ListenerRegistry.Listening listening = listeners.listen(NameListener.of(SERVER, ECHO));
        listening.close();
        assertRefused(address, SERVER, CLIENT, 0x80);
    }

    @ParameterizedTest
    @MethodSource("nioAndEngine")
    void theServerSessionLimitGivesNegative83(String transport) throws IOException {
        listeners.listen(NameListener.of(SERVER, ECHO));
        InetSocketAddress address = start(transport, b -> b.maxSessions(1));
        try (RawNbssClient first = connect(address)) {
            assertThat(first.requestSession(SERVER, CLIENT)).isEqualTo(0x82);
            assertRefused(address, SERVER, CLIENT, 0x83);
        }
    }

    @ParameterizedTest
    @MethodSource("nioAndEngine")
    void aPerNameSessionLimitGivesNegative83AndFreesWhenASessionEnds(String transport) throws Exception {
        listeners.listen(NameListener.builder(SERVER).handler(ECHO).maxSessions(1).build());
        InetSocketAddress address = start(transport, b -> b);
        try (RawNbssClient first = connect(address)) {
            assertThat(first.requestSession(SERVER, CLIENT)).isEqualTo(0x82);
            assertRefused(address, SERVER, CLIENT, 0x83);
        }
        awaitNoSessions();
        try (RawNbssClient again = connect(address)) {
            assertThat(again.requestSession(SERVER, CLIENT)).isEqualTo(0x82);
        }
    }

    @ParameterizedTest
    @MethodSource("nioAndEngine")
    void aMalformedRequestGetsNegative8F(String transport) throws IOException {
        listeners.listen(NameListener.of(SERVER, ECHO));
        try (RawNbssClient client = connect(start(transport, b -> b))) {
            byte[] request = wire(new SessionRequest(SERVER, CLIENT));
            request[5] = 'Z'; // not first-level encoding
            client.sendRaw(request);
            assertThat(client.read()).satisfies(f -> {
                assertThat(f.type()).isEqualTo(0x83);
                assertThat(f.body()).containsExactly(0x8F);
            });
            assertThat(client.closedByPeerWithin(Duration.ofSeconds(5))).isTrue();
        }
        assertThat(count(meters, "netbios.protocol.errors", "reason", "bad_name_encoding")).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("nioAndEngine")
    void aRetargetingNameAnswersWithTheAddressAndCloses(String transport) throws IOException {
        listeners.listen(NameListener.builder(SERVER).retargetTo(new InetSocketAddress("127.0.0.2", 1139)).build());
        try (RawNbssClient client = connect(start(transport, b -> b))) {
            client.send(new SessionRequest(SERVER, CLIENT));
            Frame frame = client.read();
            assertThat(frame.type()).isEqualTo(0x84);
            assertThat(frame.body()).containsExactly(127, 0, 0, 2, 0x04, 0x73);
            assertThat(client.closedByPeerWithin(Duration.ofSeconds(5))).isTrue();
        }
        assertThat(meters.find("netbios.session.retargets").counter().count()).isEqualTo(1);
    }

    @Test
    void smbServerIsMappedToTheDefaultNameUnlessTurnedOff() throws IOException {
        listeners.listen(NameListener.of(SERVER, ECHO));
        InetSocketAddress address = start("nio", b -> b.defaultName(SERVER));
        try (RawNbssClient client = connect(address)) {
            assertThat(client.requestSession(NetbiosName.SMBSERVER, CLIENT)).isEqualTo(0x82);
        }
        server.close();
        InetSocketAddress noAlias = start("nio", b -> b.defaultName(SERVER).smbServerAlias(false));
        assertRefused(noAlias, NetbiosName.SMBSERVER, CLIENT, 0x82);
    }

    /**
     * The close may come late on a CPU-starved machine: only the part of the delay that run-queue wait does not explain
     * counts against the bound of the timeout plus 1 s ({@link SchedulerAccounting}), and the client waits 20 s for it,
     * less than the 30 s default timeout a server ignoring the setting would apply.
     */
    @Test
    void noSessionRequestWithinTheTimeoutClosesTheConnection() throws Exception {
        listeners.listen(NameListener.of(SERVER, ECHO));
        Duration timeout = Duration.ofMillis(300);
        try (SchedulerAccounting accounting = SchedulerAccounting.start();
                RawNbssClient client = connect(start("nio", b -> b.sessionRequestTimeout(timeout)))) {
            long start = System.nanoTime();
            assertThat(client.closedByPeerWithin(Duration.ofSeconds(20))).as("closed by the server").isTrue();
            long closed = System.nanoTime();
            long starvation = accounting.maxRunQueueWaitNanos(start, closed);
            assertThat(Duration.ofNanos(closed - start)).isGreaterThan(Duration.ofMillis(200));
            assertThat(Duration.ofNanos(closed - start - starvation))
                    .as("closed after %d ms, less a run-queue wait of %d ms", (closed - start) / 1_000_000, starvation / 1_000_000)
                    .isLessThan(timeout.plusSeconds(1));
        }
        assertThat(count(meters, "netbios.requests.timedout")).isEqualTo(1);
        assertThat(server.pendingConnections()).isZero();
    }

    @Test
    void aSecondSessionRequestOnAnEstablishedSessionCloses() throws IOException {
        listeners.listen(NameListener.of(SERVER, ECHO));
        try (RawNbssClient client = connect(start())) {
            assertThat(client.requestSession(SERVER, CLIENT)).isEqualTo(0x82);
            client.send(new SessionRequest(SERVER, CLIENT));
            assertThat(client.closedByPeerWithin(Duration.ofSeconds(5))).isTrue();
        }
        assertThat(count(meters, "netbios.protocol.errors", "reason", "unexpected_packet")).isEqualTo(1);
    }

    @Test
    void aSessionMessageBeforeTheRequestCloses() throws IOException {
        listeners.listen(NameListener.of(SERVER, ECHO));
        try (RawNbssClient client = connect(start())) {
            client.sendMessage(new byte[] {1, 2, 3});
            assertThat(client.closedByPeerWithin(Duration.ofSeconds(5))).isTrue();
        }
        assertThat(count(meters, "netbios.protocol.errors", "reason", "unexpected_packet")).isEqualTo(1);
        assertThat(meters.find("netbios.sessions.established").counter().count()).isZero();
    }

    @ParameterizedTest
    @MethodSource("nioAndEngine")
    void aMessageOverTheMaximumSizeClosesAndIsCounted(String transport) throws IOException {
        listeners.listen(NameListener.of(SERVER, ECHO));
        try (RawNbssClient client = connect(start(transport, b -> b.maxMessageSize(1000)))) {
            assertThat(client.requestSession(SERVER, CLIENT)).isEqualTo(0x82);
            client.sendMessage(new byte[1000]);
            assertThat(client.read().body()).hasSize(1000);
            client.sendMessage(new byte[1001]);
            assertThat(client.closedByPeerWithin(Duration.ofSeconds(5))).isTrue();
        }
        assertThat(count(meters, "netbios.protocol.errors", "reason", "message_too_large")).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("nioAndEngine")
    void theServerSendsKeepAlivesWhenQuietAndDiscardsTheClients(String transport) throws IOException {
        listeners.listen(NameListener.of(SERVER, ECHO));
        try (RawNbssClient client = connect(start(transport, b -> b.keepAliveInterval(Duration.ofMillis(200))))) {
            assertThat(client.requestSession(SERVER, CLIENT)).isEqualTo(0x82);
            assertThat(client.read().type()).isEqualTo(0x85);
            client.sendRaw(new byte[] {(byte) 0x85, 0, 0, 0});
            client.sendMessage("after".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(client.readSkippingKeepAlives().body(), StandardCharsets.US_ASCII)).isEqualTo("after");
        }
        assertThat(meters.find("netbios.keepalives.sent").counter().count()).isGreaterThanOrEqualTo(1);
        assertThat(meters.find("netbios.keepalives.received").counter().count()).isEqualTo(1);
    }

    @Test
    void anIdleSessionIsClosedAfterTheIdleTimeout() throws IOException {
        listeners.listen(NameListener.of(SERVER, ECHO));
        try (RawNbssClient client = connect(start("nio", b -> b.idleTimeout(Duration.ofMillis(300))))) {
            assertThat(client.requestSession(SERVER, CLIENT)).isEqualTo(0x82);
            assertThat(client.closedByPeerWithin(Duration.ofSeconds(5))).isTrue();
        }
        awaitNoSessions();
        assertThat(count(meters, "netbios.sessions.closed", "reason", "idle")).isEqualTo(1);
    }

    @Test
    void settingsRejectWrongValuesNamingTheSetting() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> NetbiosServerSettings.builder().maxMessageSize(131_072).build())
                .hasMessageContaining("'max-message-size'").hasMessageContaining("131072");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> NetbiosServerSettings.builder().keepAliveInterval(Duration.ofSeconds(-1)).build())
                .hasMessageContaining("'keep-alive-interval' must be 0 (off) or positive");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> NetbiosServerSettings.builder().maxPendingConnections(0).build())
                .hasMessageContaining("'max-pending-connections' must be at least 1");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> NetbiosServerSettings.builder().tcpUserTimeout(Duration.ofDays(30)).build())
                .hasMessageContaining("'tcp-user-timeout' must be 0 (system default) or 1 ms .. 2147483647 ms");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> NetbiosServerSettings.builder().tcpUserTimeout(Duration.ofNanos(500)).build())
                .hasMessageContaining("'tcp-user-timeout'");
        NetbiosServerSettings defaults = NetbiosServerSettings.builder().build();
        assertThat(defaults.sessionRequestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(defaults.maxPendingConnections()).isEqualTo(256);
        assertThat(defaults.keepAliveInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(defaults.smbServerAlias()).isTrue();
        assertThat(defaults.maxMessageSize()).isEqualTo(NbssFrames.MAX_LENGTH);
    }

    private void assertRefused(InetSocketAddress address, NetbiosName called, NetbiosName calling, int code) throws IOException {
        double before = count(meters, "netbios.session.negative.responses", "code", String.format("0x%02x", code));
        try (RawNbssClient client = connect(address)) {
            client.send(new SessionRequest(called, calling));
            Frame frame = client.read();
            assertThat(frame.type()).as("NEGATIVE SESSION RESPONSE").isEqualTo(0x83);
            assertThat(frame.body()).containsExactly(code);
            assertThat(client.closedByPeerWithin(Duration.ofSeconds(5))).as("closed after the refusal").isTrue();
        }
        assertThat(count(meters, "netbios.session.negative.responses", "code", String.format("0x%02x", code))).isEqualTo(before + 1);
    }

    private void awaitNoSessions() throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!server.sessions().isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        assertThat(server.sessions()).isEmpty();
    }

    private static byte[] wire(SessionRequest request) {
        io.netty.buffer.ByteBuf buf = io.netty.buffer.Unpooled.buffer();
        try {
            NbssFrames.writeControl(request, buf);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }
}
