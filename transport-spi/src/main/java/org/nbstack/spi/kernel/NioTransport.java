package org.nbstack.spi.kernel;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.nbstack.spi.Availability;

/** The JDK's portable NIO sockets; available everywhere. */
public final class NioTransport extends KernelTransport {

    public static final String NAME = "nio";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Availability availability() {
        return Availability.available();
    }

    @Override
    IoHandlerFactory ioHandlerFactory() {
        return NioIoHandler.newFactory();
    }

    @Override
    public ChannelFactory<? extends ServerChannel> serverChannelFactory() {
        return NioServerSocketChannel::new;
    }

    @Override
    public ChannelFactory<? extends Channel> channelFactory() {
        return NioSocketChannel::new;
    }
}
