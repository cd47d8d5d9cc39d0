package org.nbstack.server.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nbstack.netbios.client.NetbiosClient;
import org.nbstack.netbios.session.NetbiosSession;
import org.nbstack.config.InvalidConfigException;
import org.nbstack.server.testing.Clients;
import org.nbstack.server.testing.TestServers;

class BuiltInHandlersTest {

    @Test
    void echoSendsEveryMessageBack() {
        try (var server = TestServers.start(TestServers.config()); NetbiosClient client = Clients.client(null)) {
            NetbiosSession session = Clients.connect(client, server.kernelAddress(), "ECHO");
            session.send(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII));
            session.send(Unpooled.copiedBuffer("world", StandardCharsets.US_ASCII));
            List<String> replies = session.inbound().take(2).map(BuiltInHandlersTest::text).collectList().block(Duration.ofSeconds(10));
            assertThat(replies).containsExactly("hello", "world");
        }
    }

    @Test
    void theDefaultNameAnswersAsSmbserver() {
        try (var server = TestServers.start(TestServers.config()); NetbiosClient client = Clients.client(null)) {
            NetbiosSession session = Clients.connect(client, server.kernelAddress(), "*SMBSERVER");
            session.send(Unpooled.copiedBuffer("x", StandardCharsets.US_ASCII));
            assertThat(session.inbound().next().map(BuiltInHandlersTest::text).block(Duration.ofSeconds(10))).isEqualTo("x");
        }
    }

    @Test
    void discardReadsEverythingAndAnswersNothing() {
        SimpleMeterRegistry clientMeters = new SimpleMeterRegistry();
        try (var server = TestServers.start(TestServers.config()); NetbiosClient client = Clients.client(clientMeters)) {
            NetbiosSession session = Clients.connect(client, server.kernelAddress(), "DISCARD");
            for (int i = 0; i < 100; i++) {
                session.send(Unpooled.wrappedBuffer(new byte[1000]));
            }
            assertThat(session.inbound().next().map(BuiltInHandlersTest::text).timeout(Duration.ofMillis(500), reactor.core.publisher.Mono.empty())
                    .block()).isNull();
            var serverMeters = server.server().meters().registry();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (serverMeters.find("netbios.received").tag("listener", "kernel").counter().count() < 100_000 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(serverMeters.find("netbios.received").tag("listener", "kernel").counter().count()).isEqualTo(100_000);
        }
    }

    @Test
    void chargenSendsTheRotatingPatternInMessagesOfTheConfiguredSize() {
        var config = TestServers.config("netbios.names.chargen.handler-options.message-size=148");
        try (var server = TestServers.start(config); NetbiosClient client = Clients.client(null)) {
            NetbiosSession session = Clients.connect(client, server.kernelAddress(), "CHARGEN");
            List<String> messages = session.inbound().take(3).map(BuiltInHandlersTest::text).collectList().block(Duration.ofSeconds(10));
            String stream = String.join("", messages);
            assertThat(messages).allSatisfy(m -> assertThat(m).hasSize(148));
            String[] lines = stream.split("\r\n");
            assertThat(lines[0]).hasSize(72).startsWith(" !\"#$%&'()*");
            assertThat(lines[1]).hasSize(72).startsWith("!\"#$%&'()*+");
        }
    }

    @Test
    void anUnknownHandlerStopsStartUpNamingTheKeyAndTheHandlersThatExist() {
        var config = TestServers.config("netbios.names.echo.handler=ehco");
        assertThatThrownBy(() -> TestServers.start(config)).isInstanceOf(InvalidConfigException.class)
                .hasMessage("nbstack.netbios.names.echo: no session handler called 'ehco'; the handlers here are chargen, discard, echo, smb");
    }

    @Test
    void aBadHandlerOptionIsNamed() {
        var config = TestServers.config("netbios.names.chargen.handler-options.message-size=0");
        assertThatThrownBy(() -> TestServers.start(config)).isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("handler 'chargen' option 'message-size' = '0' must be a whole number 1..131071");
    }

    private static String text(ByteBuf buf) {
        try {
            return buf.toString(StandardCharsets.ISO_8859_1);
        } finally {
            buf.release();
        }
    }
}
