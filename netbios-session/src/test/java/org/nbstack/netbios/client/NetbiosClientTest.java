package org.nbstack.netbios.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nbstack.netbios.codec.NegativeCode;
import org.nbstack.netbios.name.NetbiosName;
import org.nbstack.netbios.server.NameListener;
import org.nbstack.netbios.server.ListenerRegistry;
import org.nbstack.netbios.server.NetbiosServer;
import org.nbstack.netbios.session.NetbiosSession;
import org.nbstack.netbios.testing.TestServers;
import org.nbstack.spi.Transports;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** The client as tests, load tests and the CLI use it, against the server on 127.0.0.1. */
class NetbiosClientTest {

    private static final NetbiosName SERVER = NetbiosName.server("SERVER");
    private static final NetbiosName CLIENT = NetbiosName.of("CLIENT", 0);

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ListenerRegistry listeners = new ListenerRegistry();
    private final NetbiosClient client = NetbiosClient.create(Transports.named("nio"), NetbiosClientSettings.DEFAULT, meters);
    private NetbiosServer server;
    private NetbiosServer other;

    @AfterEach
    void stop() {
        client.close();
        if (server != null) {
            server.close();
        }
        if (other != null) {
            other.close();
        }
    }

    private InetSocketAddress startServer() {
        server = TestServers.start("nio", listeners, new SimpleMeterRegistry(), b -> b);
        return server.localAddress();
    }

    @Test
    void sendsAndReceivesWithBackpressureIncludingAnExtendedLengthMessage() {
        listeners.listen(NameListener.of(SERVER, session -> session.inbound()));
        NetbiosSession session = client.connect(startServer(), SERVER, CLIENT).block(Duration.ofSeconds(10));
        assertThat(session.calledName()).isEqualTo(SERVER);
        byte[] big = new byte[70_000];
        Arrays.fill(big, (byte) 7);

        StepVerifier.create(session.inbound().map(NetbiosClientTest::lengthAndRelease))
                .then(() -> session.send(Flux.just(text("one"), text("two"), Unpooled.wrappedBuffer(big))).subscribe())
                .expectNext(3, 3, 70_000)
                .then(session::close)
                .verifyComplete();
        assertThat(meters.find("netbios.bytes.out").tag("side", "client").counter().count()).isEqualTo(70_006);
    }

    @Test
    void aRefusalFailsWithTheNegativeCode() {
        listeners.registerName(SERVER);
        StepVerifier.create(client.connect(startServer(), SERVER, CLIENT))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(NegativeSessionResponseException.class)
                        .hasMessageContaining("0x80")
                        .extracting(x -> ((NegativeSessionResponseException) x).code())
                        .isEqualTo(NegativeCode.NOT_LISTENING_ON_CALLED_NAME))
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void followsARetargetToAnotherServer() {
        ListenerRegistry otherListeners = new ListenerRegistry();
        otherListeners.listen(NameListener.of(SERVER, session -> session.inbound()));
        other = TestServers.start("nio", otherListeners, new SimpleMeterRegistry(), b -> b);
        listeners.listen(NameListener.builder(SERVER).retargetTo(other.localAddress()).build());
        NetbiosSession session = client.connect(startServer(), SERVER, CLIENT).block(Duration.ofSeconds(10));
        assertThat(session.remoteAddress()).isEqualTo(other.localAddress());
        assertThat(other.sessions()).hasSize(1);
        session.abort();
        assertThat(meters.find("netbios.session.retargets").tag("side", "client").counter().count()).isEqualTo(1);
    }

    @Test
    void aRetargetLoopIsFollowedOnlySoFar() {
        server = TestServers.start("nio", listeners, new SimpleMeterRegistry(), b -> b);
        listeners.listen(NameListener.builder(SERVER).retargetTo(server.localAddress()).build()); // to itself
        StepVerifier.create(client.connect(server.localAddress(), SERVER, CLIENT))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(SessionRetargetedException.class)
                        .hasMessageContaining("retargeted 4 time(s)"))
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void anUnreachableServerFailsWithAClearMessage() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        StepVerifier.create(client.connect(new InetSocketAddress("127.0.0.1", closedPort), SERVER, CLIENT))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(NetbiosSessionException.class)
                        .hasMessageContaining("cannot connect to").hasMessageContaining(Integer.toString(closedPort)))
                .verify(Duration.ofSeconds(10));
    }

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    private static int lengthAndRelease(ByteBuf buf) {
        try {
            return buf.readableBytes();
        } finally {
            buf.release();
        }
    }
}
