package org.nbstack.tcp.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import org.nbstack.spi.Transport;
import org.nbstack.spi.Transports;
import org.nbstack.tcp.netty.Engine;
import org.nbstack.tcp.netty.EngineConfig;
import org.nbstack.tcp.netty.EngineServerSocketChannel;
import org.nbstack.tcp.netty.EngineSocketChannel;
import org.nbstack.tcp.netty.EngineTransport;

/**
 * A server that accepts connections, counts the open ones and discards what they send, and a client that
 * connects to it, on one transport: epoll on the kernel's loopback or two engines on a {@code mem} switch
 * (10.0.0.2 serving, 10.0.0.1 connecting, so every packet is encoded, checksummed and decoded). One server loop
 * and one client loop, as in {@link BenchTarget}.
 */
final class ConnectionTarget implements AutoCloseable {
    /** Lowest local port the engine client binds explicitly when a run needs more ports than the ephemeral range. */
    private static final int FIRST_EXPLICIT_PORT = 1024;
    private static final AtomicInteger SWITCHES = new AtomicInteger();

    final String name;
    private final EventLoopGroup serverGroup;
    private final EventLoopGroup clientGroup;
    private final List<Channel> servers = new ArrayList<>();
    private final ClientSide clientSide;
    private final Counter counter = new Counter();
    private final Runnable resources;

    /** What the client side of a target does per round; the engine's client is a fresh engine each round. */
    private interface ClientSide extends AutoCloseable {
        ChannelFactory<? extends Channel> channels();

        /** The local address of connection {@code i}, or null for an ephemeral port. */
        SocketAddress local(int i);

        void newRound();

        @Override
        void close();
    }

    private ConnectionTarget(String name, EventLoopGroup serverGroup, EventLoopGroup clientGroup,
            ChannelFactory<? extends ServerChannel> serverChannels, List<InetSocketAddress> bindAddresses,
            ClientSide clientSide, Runnable resources) {
        this.name = name;
        this.resources = resources;
        this.serverGroup = serverGroup;
        this.clientGroup = clientGroup;
        this.clientSide = clientSide;
        for (InetSocketAddress address : bindAddresses) {
            servers.add(new ServerBootstrap().group(serverGroup).channelFactory(serverChannels)
                    .childHandler(counter).bind(address).syncUninterruptibly().channel());
        }
    }

    /**
     * epoll on the kernel's loopback, with one server on each of {@code serverAddresses} addresses 127.0.0.1,
     * 127.0.0.2, ...: the kernel picks a client's ephemeral port per destination, so each address takes another
     * 28,232 connections (ip_local_port_range).
     */
    static ConnectionTarget epoll(int serverAddresses) {
        Transport epoll = Transports.named("epoll");
        List<InetSocketAddress> binds = new ArrayList<>();
        for (int i = 1; i <= serverAddresses; i++) {
            binds.add(new InetSocketAddress("127.0.0." + i, 0));
        }
        ChannelFactory<? extends Channel> clients = epoll.channelFactory();
        return new ConnectionTarget("epoll", epoll.newEventLoopGroup(1), epoll.newEventLoopGroup(1),
                epoll.serverChannelFactory(), binds, new ClientSide() {
                    @Override
                    public ChannelFactory<? extends Channel> channels() {
                        return clients;
                    }

                    @Override
                    public SocketAddress local(int i) {
                        return null;
                    }

                    @Override
                    public void newRound() {
                    }

                    @Override
                    public void close() {
                    }
                }, () -> { });
    }

    /**
     * Two engines on a {@code mem} switch of their own. The engine's ports are engine-wide (28,232 ephemeral
     * ones), and a client's closed connections hold theirs through TIME_WAIT (60 s), so every round connects
     * from a fresh client engine; with {@code explicitPorts} connection {@code i} binds port 1024 + i, for runs
     * of more connections than the ephemeral range holds.
     */
    static ConnectionTarget engineOverMem(boolean explicitPorts) {
        String link = "mem://bench-connections-" + SWITCHES.incrementAndGet();
        Engine server = Engine.create(EngineConfig.of("10.0.0.2", link));
        EngineTransport transport = new EngineTransport(server);
        ClientSide clients = new ClientSide() {
            private Engine client;

            @Override
            public ChannelFactory<? extends Channel> channels() {
                Engine current = client;
                return () -> new EngineSocketChannel(current);
            }

            @Override
            public SocketAddress local(int i) {
                return explicitPorts ? new InetSocketAddress("10.0.0.1", FIRST_EXPLICIT_PORT + i) : null;
            }

            @Override
            public void newRound() {
                close();
                client = Engine.create(EngineConfig.of("10.0.0.1", link));
            }

            @Override
            public void close() {
                if (client != null) {
                    client.close();
                    client = null;
                }
            }
        };
        clients.newRound();
        return new ConnectionTarget("engine mem link", transport.newEventLoopGroup(1), transport.newEventLoopGroup(1),
                () -> new EngineServerSocketChannel(server), List.of(new InetSocketAddress("10.0.0.2", 0)), clients, server::close);
    }

    /** Starts a round: the engine connects from a fresh client engine (see {@link #engineOverMem}). */
    void newRound() {
        clientSide.newRound();
    }

    /** Starts connection {@code i} (to the servers in turn). */
    ChannelFuture connect(int i) {
        SocketAddress remote = servers.get(i % servers.size()).localAddress();
        return new Bootstrap().group(clientGroup).channelFactory(clientSide.channels())
                .handler(new ChannelInboundHandlerAdapter()).connect(remote, clientSide.local(i));
    }

    /**
     * Opens {@code count} connections with at most {@code outstanding} connects in flight and adds them to
     * {@code opened}; returns the seconds from the first connect until the last is established.
     */
    double openAll(int count, int outstanding, List<Channel> opened) throws InterruptedException {
        Semaphore inFlight = new Semaphore(outstanding);
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        List<Channel> done = Collections.synchronizedList(opened);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            inFlight.acquire();
            connect(i).addListener((ChannelFuture f) -> {
                if (f.isSuccess()) {
                    done.add(f.channel());
                } else {
                    failed.incrementAndGet();
                    firstFailure.compareAndSet(null, f.cause());
                }
                inFlight.release();
            });
        }
        inFlight.acquire(outstanding);
        double seconds = (System.nanoTime() - start) / 1e9;
        inFlight.release(outstanding);
        if (failed.get() > 0) {
            throw new IllegalStateException(name + ": " + failed.get() + " of " + count + " connects failed",
                    firstFailure.get());
        }
        return seconds;
    }

    /** Closes {@code channels} and waits until the server has seen every connection close. */
    void closeAll(List<Channel> channels) {
        List<ChannelFuture> closing = new ArrayList<>(channels.size());
        for (Channel ch : channels) {
            closing.add(ch.close());
        }
        closing.forEach(ChannelFuture::syncUninterruptibly);
        channels.clear();
        awaitServer("open connections", counter.open::get, 0);
    }

    /** Waits until the server counts {@code expected} open connections. */
    void awaitServerOpen(int expected) {
        awaitServer("open connections", counter.open::get, expected);
    }

    /** Waits until the server has received {@code bytes} bytes in all. */
    void awaitServerReceived(long bytes) {
        awaitServer("bytes received", () -> (int) Math.min(Integer.MAX_VALUE, counter.received.get()),
                (int) Math.min(Integer.MAX_VALUE, bytes));
    }

    private void awaitServer(String what, IntSupplier actual, int expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (actual.getAsInt() != expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + ": the server counts " + actual.getAsInt() + " " + what
                        + " after 120 s, expected " + expected);
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public void close() {
        servers.forEach(s -> s.close().syncUninterruptibly());
        serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        clientSide.close();
        resources.run();
    }

    /** The server's one handler for every accepted connection: counts it while open, discards what it reads. */
    @ChannelHandler.Sharable
    private static final class Counter extends ChannelInboundHandlerAdapter {
        final AtomicInteger open = new AtomicInteger();
        final AtomicLong received = new AtomicLong();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            open.incrementAndGet();
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            open.decrementAndGet();
            ctx.fireChannelInactive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            received.addAndGet(((ByteBuf) msg).readableBytes());
            ((ByteBuf) msg).release();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
