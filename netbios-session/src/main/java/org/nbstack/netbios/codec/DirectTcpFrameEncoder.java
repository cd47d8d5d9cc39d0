package org.nbstack.netbios.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Frames each {@link SessionMessage} for direct TCP (MS-SMB2 2.1): a zero octet, a 24-bit length, the payload
 * itself (never copied). Direct TCP has no keep-alive message, so a {@link KeepAlive} the session's timer sends
 * is dropped and counts as written; peers there rely on TCP keepalive.
 */
@Sharable
public final class DirectTcpFrameEncoder extends ChannelOutboundHandlerAdapter {

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof SessionMessage message) {
            ByteBuf payload = message.content();
            int length = payload.readableBytes();
            if (length > DirectTcpFrameDecoder.MAX_LENGTH) {
                message.release();
                promise.setFailure(new NbssProtocolException(NbssProtocolException.Reason.MESSAGE_TOO_LARGE,
                        "a message of " + length + " octets cannot be framed for direct TCP"));
                return;
            }
            ByteBuf header = ctx.alloc().buffer(DirectTcpFrameDecoder.HEADER_LENGTH).writeInt(length);
            ctx.write(ctx.alloc().compositeBuffer(2).addComponents(true, header, payload), promise); // the frame owns the payload now
        } else if (msg instanceof KeepAlive) {
            promise.setSuccess();
        } else {
            ctx.write(msg, promise);
        }
    }
}
