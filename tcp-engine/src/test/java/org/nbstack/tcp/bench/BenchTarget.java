package org.nbstack.tcp.bench;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import java.net.InetSocketAddress;

/**
 * One transport set up for a benchmark: a server group and a client group of one loop each (this is a
 * 2-core machine), the channel factories and the address the server binds.
 */
record BenchTarget(String name, EventLoopGroup serverGroup, EventLoopGroup clientGroup,
        ChannelFactory<? extends ServerChannel> serverChannels, ChannelFactory<? extends Channel> clientChannels,
        InetSocketAddress bindAddress, Runnable resources) implements AutoCloseable {

    @Override
    public void close() {
        serverGroup.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        clientGroup.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        resources.run();
    }
}
