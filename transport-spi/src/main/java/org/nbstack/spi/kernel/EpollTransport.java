package org.nbstack.spi.kernel;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import java.util.Optional;
import org.nbstack.spi.Availability;

/** Linux epoll through Netty's native library; unavailable elsewhere or when the library cannot load. */
public final class EpollTransport extends KernelTransport {

    public static final String NAME = "epoll";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Availability availability() {
        if (Epoll.isAvailable()) {
            return Availability.available();
        }
        String os = System.getProperty("os.name", "unknown OS");
        return Availability.unavailable("epoll needs Linux and Netty's native epoll library; on " + os
                + " it did not load", Epoll.unavailabilityCause());
    }

    @Override
    IoHandlerFactory ioHandlerFactory() {
        return EpollIoHandler.newFactory();
    }

    @Override
    public ChannelFactory<? extends ServerChannel> serverChannelFactory() {
        return EpollServerSocketChannel::new;
    }

    @Override
    public ChannelFactory<? extends Channel> channelFactory() {
        return EpollSocketChannel::new;
    }

    @Override
    public Optional<ChannelOption<Integer>> tcpUserTimeoutOption() {
        return Optional.of(EpollChannelOption.TCP_USER_TIMEOUT);
    }
}
