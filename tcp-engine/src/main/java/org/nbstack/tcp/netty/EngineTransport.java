package org.nbstack.tcp.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Optional;
import org.nbstack.spi.Availability;
import org.nbstack.spi.Transport;

/**
 * The {@code engine} transport: Netty channels over nbstack's own TCP/IP engine. Its event loops are
 * Netty 4.2 epoll loops where native epoll is available, NIO loops otherwise: engine channels register
 * no IoHandle, so either runs them, and the engine's links register their sockets and devices on the
 * same loops (the {@code udp} link an epoll datagram channel, the {@code tun} link its descriptor), so a
 * received packet reaches the stack on the loop that read it. Channels made here belong to this
 * transport's {@link Engine}.
 */
public final class EngineTransport implements Transport {
    public static final String NAME = "engine";

    private final Engine engine;

    public EngineTransport(Engine engine) {
        this.engine = engine;
    }

    /**
     * The transport of the shared engine {@code config} describes; for settings options cannot carry,
     * e.g. {@code new EngineTransport(EngineConfig.from(options).withStack(stackConfig))}.
     */
    public EngineTransport(EngineConfig config) {
        this(Engine.shared(config));
    }

    public Engine engine() {
        return engine;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Availability availability() {
        return Availability.available(); // pure Java, no privileges
    }

    @Override
    public EventLoopGroup newEventLoopGroup(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("event loop thread count must be >= 1, got " + threads);
        }
        return new EngineEventLoopGroup(threads, new DefaultThreadFactory("nbstack-engine", true),
                ioHandlerFactory());
    }

    /** Epoll when Netty's native transport loads here, NIO otherwise. */
    public static IoHandlerFactory ioHandlerFactory() {
        return Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    /** Whether {@link #newEventLoopGroup} makes epoll loops on this machine. */
    public static boolean nativeLoops() {
        return Epoll.isAvailable();
    }

    @Override
    public ChannelFactory<? extends ServerChannel> serverChannelFactory() {
        return () -> new EngineServerSocketChannel(engine);
    }

    @Override
    public ChannelFactory<? extends Channel> channelFactory() {
        return () -> new EngineSocketChannel(engine);
    }

    @Override
    public Optional<ChannelOption<Integer>> tcpUserTimeoutOption() {
        return Optional.of(EngineChannelOption.TCP_USER_TIMEOUT);
    }

    @Override
    public String toString() {
        return "engine transport (" + engine + ")";
    }
}
