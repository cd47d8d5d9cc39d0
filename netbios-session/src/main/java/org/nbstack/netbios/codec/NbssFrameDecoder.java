package org.nbstack.netbios.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Turns bytes into {@link NbssPacket}s. After the first {@link NbssProtocolException} it discards all further
 * input: framing is lost, and the session is being closed.
 */
public final class NbssFrameDecoder extends ByteToMessageDecoder {

    private final int maxMessageSize;
    private boolean failed;

    /** @param maxMessageSize largest SESSION MESSAGE payload accepted, 0..131,071 */
    public NbssFrameDecoder(int maxMessageSize) {
        if (maxMessageSize < 0 || maxMessageSize > NbssFrames.MAX_LENGTH) {
            throw new IllegalArgumentException("maxMessageSize must be 0.." + NbssFrames.MAX_LENGTH + ", got " + maxMessageSize);
        }
        this.maxMessageSize = maxMessageSize;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            NbssPacket packet = NbssFrames.decode(in, maxMessageSize);
            if (packet != null) {
                out.add(packet);
            }
        } catch (NbssProtocolException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }
}
