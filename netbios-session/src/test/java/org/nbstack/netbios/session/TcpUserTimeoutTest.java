package org.nbstack.netbios.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nbstack.netbios.name.NetbiosName;
import org.nbstack.netbios.server.Listener;
import org.nbstack.netbios.server.ListenerRegistry;
import org.nbstack.netbios.server.NetbiosServer;
import org.nbstack.netbios.server.NetbiosServerSettings;
import org.nbstack.netbios.testing.RawNbssClient;
import org.nbstack.netbios.testing.TestServers;
import org.nbstack.spi.Transports;

/**
 * tcp-user-timeout reaches each session's socket as the transport's TCP user timeout option (Linux
 * TCP_USER_TIMEOUT on epoll), read back from the established channel (on epoll a getsockopt on its socket), so the
 * kernel aborts a connection whose sent data stays unacknowledged that long. Transports without the option are skipped, saying so.
 */
class TcpUserTimeoutTest {

    private static final NetbiosName SERVER = NetbiosName.server("PATIENT");
    private static final Duration USER_TIMEOUT = Duration.ofMillis(7_500);

    static Stream<String> transports() {
        return TestServers.kernelTransports();
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

    /** Establishes one session and reads {@code option} back from its channel, on the channel's event loop. */
    private static int optionOnSessionSocket(String transport, UnaryOperator<NetbiosServerSettings.Builder> settings,
            ChannelOption<Integer> option) throws IOException, InterruptedException, ExecutionException {
        ListenerRegistry listeners = new ListenerRegistry();
        listeners.listen(Listener.of(SERVER, session -> session.inbound()));
        try (NetbiosServer server = TestServers.start(transport, listeners, new SimpleMeterRegistry(), settings);
                RawNbssClient client = RawNbssClient.connect(server.localAddress())) {
            assertThat(client.requestSession(SERVER, NetbiosName.of("CALLER", 0))).isEqualTo(0x82);
            long id = server.sessions().getFirst().id();
            Channel channel = ((ChannelSession) server.session(id).orElseThrow()).channel();
            return channel.eventLoop().submit(() -> channel.config().getOption(option)).get();
        }
    }
}
