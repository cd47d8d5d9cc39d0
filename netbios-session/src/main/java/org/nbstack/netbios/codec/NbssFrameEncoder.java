package org.nbstack.netbios.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Turns {@link NbssPacket}s into bytes. A SESSION MESSAGE goes out as a 4-octet header followed by its
 * payload buffer itself, so the payload is never copied.
 */
@Sharable
public final class NbssFrameEncoder extends MessageToMessageEncoder<NbssPacket> {

    public NbssFrameEncoder() {
        super(NbssPacket.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, NbssPacket packet, List<Object> out) {
        if (packet instanceof SessionMessage message) {
            ByteBuf payload = message.content();
            ByteBuf header = ctx.alloc().buffer(NbssFrames.HEADER_LENGTH);
            try {
                NbssFrames.writeHeader(PacketType.SESSION_MESSAGE, payload.readableBytes(), header);
            } catch (NbssProtocolException e) {
                header.release();
                throw e;
            }
            out.add(header);
            out.add(payload.retain()); // the encoder releases the message itself after encode()
        } else {
            ByteBuf buffer = ctx.alloc().buffer(64);
            try {
                NbssFrames.writeControl(packet, buffer);
            } catch (RuntimeException e) {
                buffer.release();
                throw e;
            }
            out.add(buffer);
        }
    }
}
