package org.nbstack.spi;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link Transport} that hands every call to another; subclasses override what they observe or decorate
 * (the server's listener bookkeeping, the load tests' CPU accounting).
 */
public abstract class ForwardingTransport implements Transport {

    private final Transport delegate;

    protected ForwardingTransport(Transport delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The transport calls go to. */
    public final Transport delegate() {
        return delegate;
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
        return delegate.newEventLoopGroup(threads);
    }

    @Override
    public ChannelFactory<? extends ServerChannel> serverChannelFactory() {
        return delegate.serverChannelFactory();
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
