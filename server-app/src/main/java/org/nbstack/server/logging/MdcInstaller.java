package org.nbstack.server.logging;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Sits at the head of a listening channel's pipeline, before Netty's acceptor: gives every accepted connection an
 * {@link MdcChannelHandler} as its first handler. This needs no hook in the NetBIOS session layer.
 */
@ChannelHandler.Sharable
public final class MdcInstaller extends ChannelInboundHandlerAdapter {

    private final String listener;

    public MdcInstaller(String listener) {
        this.listener = listener;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Channel child) {
            child.pipeline().addFirst("nbstack-mdc", new MdcChannelHandler(listener));
        }
        ctx.fireChannelRead(msg);
    }
}
