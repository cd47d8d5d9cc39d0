package org.nbstack.server.app;

import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.nbstack.server.logging.MdcInstaller;
import org.nbstack.spi.ForwardingTransport;
import org.nbstack.spi.Transport;

/**
 * A {@link Transport} that remembers what the NetBIOS server makes with it: its event loop groups (for the Netty
 * executor meters) and its listening channels (so shutdown can stop accepting before it closes sessions), and
 * that puts an {@link MdcInstaller} on each listening channel.
 */
final class ObservedTransport extends ForwardingTransport {

    private final String listenerName;
    private final List<EventLoopGroup> groups = new CopyOnWriteArrayList<>();
    private final List<ServerChannel> serverChannels = new CopyOnWriteArrayList<>();

    ObservedTransport(Transport delegate, String listenerName) {
        super(delegate);
        this.listenerName = listenerName;
    }

    List<EventLoopGroup> groups() {
        return groups;
    }

    List<ServerChannel> serverChannels() {
        return serverChannels;
    }

    @Override
    public EventLoopGroup newEventLoopGroup(int threads) {
        EventLoopGroup group = super.newEventLoopGroup(threads);
        groups.add(group);
        return group;
    }

    @Override
    public ChannelFactory<? extends ServerChannel> serverChannelFactory() {
        ChannelFactory<? extends ServerChannel> factory = super.serverChannelFactory();
        return () -> {
            ServerChannel channel = factory.newChannel();
            channel.pipeline().addFirst("nbstack-mdc-installer", new MdcInstaller(listenerName));
            serverChannels.add(channel);
            return channel;
        };
    }
}
