package org.nbstack.server.logging;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import org.slf4j.MDC;

/**
 * First handler of every accepted connection: while any event of this channel runs through the pipeline, the
 * MDC carries the listener, the remote address and, once established, the session id. A handler further down
 * that puts {@link MdcKeys#SESSION} into the MDC (see {@link MdcSessionHandler}) makes it stick to this channel.
 * The previous MDC values are restored afterwards, because one event loop serves many channels.
 */
final class MdcChannelHandler extends ChannelDuplexHandler {

    private final String listener;
    private String remote;
    private String session;

    MdcChannelHandler(String listener) {
        this.listener = listener;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        remote = MdcSessionHandler.hostPort(ctx.channel().remoteAddress());
        run(ctx, ctx::fireChannelActive);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        run(ctx, () -> ctx.fireChannelRead(msg));
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        run(ctx, ctx::fireChannelReadComplete);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        run(ctx, ctx::fireChannelWritabilityChanged);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        run(ctx, ctx::fireChannelInactive);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        run(ctx, () -> ctx.fireExceptionCaught(cause));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        run(ctx, () -> ctx.fireUserEventTriggered(evt));
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        run(ctx, () -> ctx.close(promise));
    }

    private void run(ChannelHandlerContext ctx, Runnable event) {
        if (remote == null) {
            remote = MdcSessionHandler.hostPort(ctx.channel().remoteAddress());
        }
        String previousListener = MDC.get(MdcKeys.LISTENER);
        String previousRemote = MDC.get(MdcKeys.REMOTE);
        String previousSession = MDC.get(MdcKeys.SESSION);
        MDC.put(MdcKeys.LISTENER, listener);
        MDC.put(MdcKeys.REMOTE, remote);
        put(MdcKeys.SESSION, session);
        try {
            event.run();
        } finally {
            String set = MDC.get(MdcKeys.SESSION);
            if (set != null) {
                session = set;
            }
            put(MdcKeys.LISTENER, previousListener);
            put(MdcKeys.REMOTE, previousRemote);
            put(MdcKeys.SESSION, previousSession);
        }
    }

    private static void put(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }
}
