package org.nbstack.netbios.session;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import org.nbstack.netbios.codec.KeepAlive;
import org.nbstack.netbios.codec.NbssPacket;
import org.nbstack.netbios.codec.NbssProtocolException;
import org.nbstack.netbios.codec.SessionMessage;
import org.nbstack.netbios.metrics.NetbiosMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data phase of a channel (RFC 1002 §5.2.1.3 / §5.3): SESSION MESSAGEs go to the session, KEEP ALIVEs
 * are counted and discarded, any other packet (a second SESSION REQUEST, a stray response) breaks the
 * protocol and closes the connection.
 */
final class SessionChannelHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(SessionChannelHandler.class);

    private final ChannelSession session;
    private final NetbiosMetrics metrics;

    SessionChannelHandler(ChannelSession session, NetbiosMetrics metrics) {
        this.session = session;
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof SessionMessage message) {
            session.onMessage(message.content()); // the session owns the payload now
        } else if (msg instanceof KeepAlive) {
            metrics.keepAliveReceived();
        } else {
            ReferenceCountUtil.release(msg);
            String what = msg instanceof NbssPacket packet ? packet.type().toString() : msg.getClass().getSimpleName();
            protocolError(new NbssProtocolException(NbssProtocolException.Reason.UNEXPECTED_PACKET,
                    "a " + what + " is not allowed once the session is established"));
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        session.onReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            session.onWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session.ended();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof NbssProtocolException protocolError) {
            protocolError(protocolError);
        } else if (cause instanceof IOException) {
            log.debug("{}: connection failed: {}", session, cause.toString());
            session.abort(SessionCloseReason.IO_ERROR);
        } else {
            log.warn("{}: unexpected error, aborting the session", session, cause);
            session.abort(SessionCloseReason.LOCAL_ABORT);
        }
    }

    private void protocolError(NbssProtocolException error) {
        log.info("{}: protocol error, closing: {}", session, error.getMessage());
        metrics.protocolError(error.reason().name().toLowerCase(java.util.Locale.ROOT));
        session.abort(SessionCloseReason.PROTOCOL_ERROR);
    }
}
