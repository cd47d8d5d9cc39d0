package org.nbstack.netbios.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nbstack.netbios.testing.TestServers.count;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nbstack.netbios.name.NetbiosName;
import org.nbstack.netbios.server.NameListener;
import org.nbstack.netbios.server.ListenerRegistry;
import org.nbstack.netbios.server.NetbiosServer;
import org.nbstack.netbios.server.NetbiosServerSettings;
import org.nbstack.netbios.testing.RawNbssClient;
import org.nbstack.netbios.testing.TestNetwork;
import org.nbstack.netbios.testing.TestServers;
import org.nbstack.spi.Transports;

/**
 * tcp-user-timeout reaches each session's socket as the transport's TCP user timeout option (Linux
 * TCP_USER_TIMEOUT on epoll, the engine's own on {@code engine}), read back from the established channel (on epoll a
 * getsockopt on its socket), so TCP aborts a connection whose sent data stays unacknowledged that long. Transports
 * without the option are skipped, saying so. On the engine a client that vanishes (blackholed on a {@code sim} link)
 * shows the timeout at work: its session ends through TCP alone, with the server's own timers off.
 */
class TcpUserTimeoutTest {

    private static final NetbiosName SERVER = NetbiosName.server("PATIENT");
    private static final Duration USER_TIMEOUT = Duration.ofMillis(7_500);

    static Stream<String> transports() {
        return Stream.concat(TestServers.kernelTransports(), Stream.of("engine"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void theConfiguredTcpUserTimeoutIsSetOnEverySessionSocket(String transport) throws Exception {
        Optional<ChannelOption<Integer>> option = Transports.named(transport).tcpUserTimeoutOption();
        Assumptions.assumeTrue(option.isPresent(), () -> "the " + transport + " transport has no TCP user timeout option "
                + "(TCP_USER_TIMEOUT comes with Linux epoll); the server logs that tcp-user-timeout is ignored");

        assertThat(optionOnSessionSocket(transport, b -> b.tcpUserTimeout(USER_TIMEOUT), option.get()))
                .as("TCP_USER_TIMEOUT (ms) with tcp-user-timeout " + USER_TIMEOUT).isEqualTo((int) USER_TIMEOUT.toMillis());
        assertThat(optionOnSessionSocket(transport, b -> b, option.get()))
                .as("TCP_USER_TIMEOUT (ms) with tcp-user-timeout unset: the system default").isZero();
    }

    /**
     * The engine aborts the connection of a vanished client once the server's data has gone unacknowledged for the TCP
     * user timeout, and the session ends as a failed connection; write-stall, keep-alive and idle timers are all off,
     * so nothing but TCP can end it. The kernel transports are covered above: on loopback the kernel acknowledges for
     * any socket, so a peer that never acknowledges needs the sim link.
     */
    @Test
    void onTheEngineAVanishedClientsSessionEndsAtTheTcpUserTimeout() throws Exception {
        Duration userTimeout = Duration.ofMillis(1_500);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ListenerRegistry listeners = new ListenerRegistry();
        listeners.listen(NameListener.of(SERVER, session -> session.inbound()));
        try (TestNetwork network = TestNetwork.of("engine", "sim://?delay=1ms&seed=5482");
                NetbiosServer server = network.start(listeners, meters, b -> b.tcpUserTimeout(userTimeout)
                        .writeStallTimeout(Duration.ZERO).keepAliveInterval(Duration.ZERO).idleTimeout(Duration.ZERO));
                RawNbssClient stays = network.connect(server.localAddress())) {
            TestNetwork.VanishingHost host = network.vanishingHost();
            try (RawNbssClient vanishing = host.connectWithWindow(server.localAddress(), 4096)) {
                assertThat(stays.requestSession(SERVER, NetbiosName.of("STAYS", 0))).isEqualTo(0x82);
                long requested = System.nanoTime(); // the last progress TCP saw on it (the ACK of the response) comes later
                assertThat(vanishing.requestSession(SERVER, NetbiosName.of("VANISHES", 0))).isEqualTo(0x82);
                long id = server.sessions().stream().filter(s -> s.callingName().name().equals("VANISHES")).findFirst().orElseThrow().id();
                host.vanish();
                long sent = System.nanoTime();
                assertThat(server.send(id, Unpooled.wrappedBuffer(new byte[100]))).isEqualTo(SendResult.QUEUED);
                while (server.session(id).isPresent() && System.nanoTime() - sent < userTimeout.plusSeconds(8).toNanos()) {
                    Thread.sleep(10);
                }
                long now = System.nanoTime();
                Duration ended = Duration.ofNanos(now - sent);
                assertThat(server.session(id)).as("the vanished client's session after " + ended).isEmpty();
                // The timeout runs from TCP's last progress on the connection, between the request and the send.
                assertThat(Duration.ofNanos(now - requested)).as("from the SESSION REQUEST to the session's end").isGreaterThanOrEqualTo(userTimeout);
                // RFC 5482: the engine caps its timers at the user timeout, so the abort comes at it (exactly so in
                // VanishedClientSimulationTest, in virtual time); here a bound only a real stall crosses: 4 s more.
                assertThat(ended).as("from the unacknowledged send to the session's end").isLessThanOrEqualTo(userTimeout.plusSeconds(4));
                assertThat(count(meters, "netbios.sessions.closed", "reason", "io_error")).isEqualTo(1);
                stays.sendMessage(new byte[] {'o', 'k'});
                assertThat(stays.readSkippingKeepAlives().body()).as("the other session still echoes").isEqualTo(new byte[] {'o', 'k'});
            }
        }
    }

    /** Establishes one session and reads {@code option} back from its channel, on the channel's event loop. */
    private static int optionOnSessionSocket(String transport, UnaryOperator<NetbiosServerSettings.Builder> settings,
            ChannelOption<Integer> option) throws IOException, InterruptedException, ExecutionException {
        ListenerRegistry listeners = new ListenerRegistry();
        listeners.listen(NameListener.of(SERVER, session -> session.inbound()));
        try (TestNetwork network = TestNetwork.of(transport, "mem://");
                NetbiosServer server = network.start(listeners, new SimpleMeterRegistry(), settings);
                RawNbssClient client = network.connect(server.localAddress())) {
            assertThat(client.requestSession(SERVER, NetbiosName.of("CALLER", 0))).isEqualTo(0x82);
            long id = server.sessions().getFirst().id();
            Channel channel = ((ChannelSession) server.session(id).orElseThrow()).channel();
            return channel.eventLoop().submit(() -> channel.config().getOption(option)).get();
        }
    }
}
