package org.nbstack.netbios.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nbstack.netbios.testing.TestServers.count;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nbstack.netbios.name.NetbiosName;
import org.nbstack.netbios.testing.RawNbssClient;
import org.nbstack.netbios.testing.TestNetwork;
import org.slf4j.LoggerFactory;

/**
 * max-pending-connections bounds the connections still waiting for their SESSION REQUEST. When that many wait, the
 * newest connection is reset at once (as Linux drops new SYNs when its SYN queue is full), counted, and logged at a
 * bounded rate; established sessions carry on, and once the waiting ones are gone callers get in again. On one
 * kernel transport and on the engine (server and clients on two engines over a {@code mem} link).
 */
class PendingConnectionLimitTest {

    private static final NetbiosName SERVER = NetbiosName.server("BOUNDED");
    private static final int LIMIT = 4;
    private static final int TURNED_AWAY = 20;

    static Stream<String> nioAndEngine() {
        return Stream.of("nio", "engine");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nioAndEngine")
    void whenFullTheNewestConnectionIsResetCountedAndLoggedOnce(String transport) throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ListenerRegistry listeners = new ListenerRegistry();
        listeners.listen(NameListener.of(SERVER, session -> session.inbound()));
        ListAppender<ILoggingEvent> serverLog = new ListAppender<>();
        ch.qos.logback.classic.Logger serverLogger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(NetbiosServer.class);
        serverLog.start();
        serverLogger.addAppender(serverLog);
        List<RawNbssClient> waiting = new ArrayList<>();
        // A request timeout far beyond the test, so that only the limit closes connections here.
        TestNetwork network = TestNetwork.of(transport, "mem://");
        try (NetbiosServer server = network.start(listeners, meters, b -> b
                        .maxPendingConnections(LIMIT).sessionRequestTimeout(Duration.ofSeconds(30)));
                RawNbssClient established = network.connect(server.localAddress())) {
            InetSocketAddress address = server.localAddress();
            assertThat(established.requestSession(SERVER, NetbiosName.of("EARLY", 0))).isEqualTo(0x82);
            for (int i = 0; i < LIMIT; i++) {
                waiting.add(network.connect(address));
            }
            awaitValue(server::pendingConnections, LIMIT);

            for (int i = 0; i < TURNED_AWAY; i++) {
                assertThat(resetOnArrival(network, address)).as("connection beyond the limit reset at once").isTrue();
            }
            assertThat(count(meters, "netbios.connections.rejected", "reason", "pending_full")).isEqualTo(TURNED_AWAY);
            assertThat(server.pendingConnections()).as("the waiting connections keep their places").isEqualTo(LIMIT);
            assertThat(meters.find("netbios.connections.pending").gauge().value()).isEqualTo(LIMIT);
            assertThat(count(meters, "netbios.requests.timedout")).isZero();
            assertThat(serverLog.list).as("warnings about the limit, at most one per interval")
                    .filteredOn(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("max-pending-connections"))
                    .singleElement().satisfies(e -> assertThat(e.getFormattedMessage()).contains(String.valueOf(LIMIT)));

            established.sendMessage("still here".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(established.readSkippingKeepAlives().body(), StandardCharsets.US_ASCII)).isEqualTo("still here");

            for (RawNbssClient client : waiting) {
                client.close();
            }
            awaitValue(server::pendingConnections, 0);
            try (RawNbssClient late = network.connect(address)) {
                assertThat(late.requestSession(SERVER, NetbiosName.of("LATE", 0))).as("accepted once places are free").isEqualTo(0x82);
                assertThat(server.sessions()).hasSize(2);
            }
        } finally {
            serverLogger.detachAppender(serverLog);
            for (RawNbssClient client : waiting) {
                client.close();
            }
            network.close(); // after its clients
        }
    }

    /** Whether a new connection is reset within 2 s; the reset can come so soon that connect() itself reports it. */
    private static boolean resetOnArrival(TestNetwork network, InetSocketAddress address) throws IOException {
        RawNbssClient client;
        try {
            client = network.connect(address);
        } catch (SocketException e) {
            return true;
        }
        try (client) {
            return client.closedByPeerWithin(Duration.ofSeconds(2));
        }
    }

    private static void awaitValue(IntSupplier value, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (value.getAsInt() != expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(value.getAsInt()).isEqualTo(expected);
    }
}
