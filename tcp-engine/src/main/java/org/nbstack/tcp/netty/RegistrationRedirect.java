package org.nbstack.tcp.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.RecvByteBufAllocator;
import java.net.SocketAddress;
import java.util.function.Supplier;

/**
 * The unsafe an accepted engine channel shows to Netty. It registers the channel on the event loop of
 * the shard that owns its connection, whichever loop {@code childGroup.register(child)} picked: the TCP
 * connection cannot move between shards, and the channel must run where the connection lives (one
 * loop per connection, no locks). Everything else goes to the channel's own unsafe unchanged.
 */
final class RegistrationRedirect implements Channel.Unsafe {
    private final Channel.Unsafe delegate;
    private final Supplier<EventLoop> ownerLoop;

    RegistrationRedirect(Channel.Unsafe delegate, Supplier<EventLoop> ownerLoop) {
        this.delegate = delegate;
        this.ownerLoop = ownerLoop;
    }

    @Override
    public void register(EventLoop eventLoop, ChannelPromise promise) {
        EventLoop owner = ownerLoop.get();
        delegate.register(owner != null ? owner : eventLoop, promise);
    }

    @Override
    @SuppressWarnings("deprecation") // the Channel.Unsafe signature
    public RecvByteBufAllocator.Handle recvBufAllocHandle() {
        return delegate.recvBufAllocHandle();
    }

    @Override
    public SocketAddress localAddress() {
        return delegate.localAddress();
    }

    @Override
    public SocketAddress remoteAddress() {
        return delegate.remoteAddress();
    }

    @Override
    public void bind(SocketAddress localAddress, ChannelPromise promise) {
        delegate.bind(localAddress, promise);
    }

    @Override
    public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
        delegate.connect(remoteAddress, localAddress, promise);
    }

    @Override
    public void disconnect(ChannelPromise promise) {
        delegate.disconnect(promise);
    }

    @Override
    public void close(ChannelPromise promise) {
        delegate.close(promise);
    }

    @Override
    public void closeForcibly() {
        delegate.closeForcibly();
    }

    @Override
    public void deregister(ChannelPromise promise) {
        delegate.deregister(promise);
    }

    @Override
    public void beginRead() {
        delegate.beginRead();
    }

    @Override
    public void write(Object msg, ChannelPromise promise) {
        delegate.write(msg, promise);
    }

    @Override
    public void flush() {
        delegate.flush();
    }

    @Override
    public ChannelPromise voidPromise() {
        return delegate.voidPromise();
    }

    @Override
    public ChannelOutboundBuffer outboundBuffer() {
        return delegate.outboundBuffer();
    }
}
