package org.nbstack.server.app;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.nbstack.server.logging.MdcInstaller;
import org.nbstack.spi.Availability;
import org.nbstack.spi.Transport;

/**
 * A {@link Transport} that remembers what the NetBIOS server makes with it: its event loop groups (for the Netty
 * executor meters) and its listening channels (so shutdown can stop accepting before it closes sessions), and
 * that puts an {@link MdcInstaller} on each listening channel.
 */
final class ObservedTransport implements Transport {

    private final Transport delegate;
    private final String listenerName;
    private final List<EventLoopGroup> groups = new CopyOnWriteArrayList<>();
    private final List<ServerChannel> serverChannels = new CopyOnWriteArrayList<>();

    ObservedTransport(Transport delegate, String listenerName) {
        this.delegate = delegate;
        this.listenerName = listenerName;
    }

    Transport delegate() {
        return delegate;
    }

    List<EventLoopGroup> groups() {
        return groups;
    }

    List<ServerChannel> serverChannels() {
        return serverChannels;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public Availability availability() {
        return delegate.availability();
    }

    @Override
    public EventLoopGroup newEventLoopGroup(int threads) {
        EventLoopGroup group = delegate.newEventLoopGroup(threads);
        groups.add(group);
        return group;
    }

    @Override
    public ChannelFactory<? extends ServerChannel> serverChannelFactory() {
        ChannelFactory<? extends ServerChannel> factory = delegate.serverChannelFactory();
        return () -> {
            ServerChannel channel = factory.newChannel();
            channel.pipeline().addFirst("nbstack-mdc-installer", new MdcInstaller(listenerName));
            serverChannels.add(channel);
            return channel;
        };
    }

    @Override
    public ChannelFactory<? extends Channel> channelFactory() {
        return delegate.channelFactory();
    }

    @Override
    public Optional<ChannelOption<Integer>> tcpUserTimeoutOption() {
        return delegate.tcpUserTimeoutOption();
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
