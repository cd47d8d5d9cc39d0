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
    void theDefaultNameAnswersAsSmbserverWithTheFileService() {
        try (var server = TestServers.start(TestServers.config()); NetbiosClient client = Clients.client(null)) {
            NetbiosSession session = Clients.connect(client, server.kernelAddress(), "*SMBSERVER");
            session.send(Unpooled.wrappedBuffer(SMB2_NEGOTIATE_2_0_2));
            ByteBuf reply = session.inbound().next().block(Duration.ofSeconds(10));
            try {
                assertThat(reply.getIntLE(0)).as("protocol id 0xFE 'SMB'").isEqualTo(0x424D53FE);
                assertThat(reply.getIntLE(16) & 1).as("SMB2_FLAGS_SERVER_TO_REDIR: a response, not the request echoed").isEqualTo(1);
                assertThat(reply.getIntLE(8)).as("STATUS_SUCCESS").isZero();
                assertThat(reply.getShortLE(64)).as("NEGOTIATE response StructureSize (MS-SMB2 2.2.4)").isEqualTo((short) 65);
                assertThat(reply.getShortLE(64 + 4)).as("dialect 2.0.2").isEqualTo((short) 0x0202);
            } finally {
                reply.release();
            }
        }
    }

    /** An SMB2 NEGOTIATE (MS-SMB2 2.2.3) offering dialect 2.0.2 only: 64-octet header, 36-octet body, one dialect. */
    private static final byte[] SMB2_NEGOTIATE_2_0_2 = negotiate();

    private static byte[] negotiate() {
        ByteBuf b = Unpooled.buffer(102).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.writeIntLE(0x424D53FE).writeShortLE(64).writeShortLE(0).writeIntLE(0).writeShortLE(0).writeShortLE(1).writeIntLE(0)
                .writeIntLE(0).writeLongLE(0).writeIntLE(0).writeIntLE(0).writeLongLE(0).writeZero(16);
        b.writeShortLE(36).writeShortLE(1).writeShortLE(0).writeShortLE(0).writeIntLE(0).writeZero(16).writeLongLE(0).writeShortLE(0x0202);
        byte[] bytes = new byte[b.readableBytes()];
        b.readBytes(bytes);
        return bytes;
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
    void theSmbHandlerRefusesHandlerOptionsPointingToTheShareSection() {
        var config = TestServers.config("netbios.names.nbstack.handler-options.path=/srv");
        assertThatThrownBy(() -> TestServers.start(config)).isInstanceOf(InvalidConfigException.class)
                .hasMessage("nbstack.netbios.names.nbstack: handler 'smb' takes no handler-options (here: path); its shares are configured"
                        + " under nbstack.smb.shares.<name> { path, read-only, guest-ok, valid-users, read-list, write-list }");
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
