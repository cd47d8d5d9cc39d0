package org.nbstack.netbios.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.nbstack.netbios.name.NetbiosName;

/** The codec as Netty handlers: what a channel sees. */
class NbssCodecChannelTest {

    @Test
    void packetsFedOneOctetAtATimeComeOutWhole() {
        EmbeddedChannel channel = new EmbeddedChannel(new NbssFrameDecoder(NbssFrames.MAX_LENGTH));
        ByteBuf wire = Packets.wire(new SessionRequest(NetbiosName.server("SERVER"), NetbiosName.of("CLIENT", 0)));
        wire.writeBytes(new byte[] {0x00, 0x00, 0x00, 0x02, 'h', 'i', (byte) 0x85, 0, 0, 0});
        while (wire.isReadable()) {
            channel.writeInbound(wire.readRetainedSlice(1));
        }
        wire.release();
        assertThat((Object) channel.readInbound()).isInstanceOf(SessionRequest.class);
        SessionMessage message = channel.readInbound();
        assertThat(message.content().toString(StandardCharsets.US_ASCII)).isEqualTo("hi");
        message.release();
        assertThat((Object) channel.readInbound()).isEqualTo(KeepAlive.INSTANCE);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void afterAProtocolErrorFurtherInputIsDiscarded() {
        EmbeddedChannel channel = new EmbeddedChannel(new NbssFrameDecoder(10));
        assertThatThrownBy(() -> channel.writeInbound(Packets.bytes(0x00, 0, 0, 11)))
                .isInstanceOf(NbssProtocolException.class);
        channel.writeInbound(Packets.bytes(0x85, 0, 0, 0));
        assertThat((Object) channel.readInbound()).isNull();
        channel.finishAndReleaseAll();
    }

    @Test
    void theEncoderSendsTheMessagePayloadBufferItselfAfterAHeader() {
        EmbeddedChannel channel = new EmbeddedChannel(new NbssFrameEncoder());
        ByteBuf payload = Unpooled.copiedBuffer("payload", StandardCharsets.US_ASCII);
        channel.writeOutbound(new SessionMessage(payload), KeepAlive.INSTANCE);
        ByteBuf header = channel.readOutbound();
        ByteBuf body = channel.readOutbound();
        ByteBuf keepAlive = channel.readOutbound();
        assertThat(header.readableBytes()).isEqualTo(4);
        assertThat(header.getUnsignedShort(2)).isEqualTo(7);
        assertThat(body).isSameAs(payload);
        assertThat(keepAlive.readableBytes()).isEqualTo(4);
        assertThat((int) keepAlive.getUnsignedByte(0)).isEqualTo(0x85);
        header.release();
        body.release();
        keepAlive.release();
        assertThat(payload.refCnt()).isZero();
        assertThat(channel.finish()).isFalse();
    }
}
