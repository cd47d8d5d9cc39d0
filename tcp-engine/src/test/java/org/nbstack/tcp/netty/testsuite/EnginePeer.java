package org.nbstack.tcp.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import java.net.SocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A blocking, {@code java.net.Socket}-like endpoint made of an engine channel: the peer for Netty tests
 * that talk to a plain socket, which cannot reach the engine (its packets never touch the kernel).
 * Reads are taken by the test thread from a queue the channel's handler fills; -1 is end of stream.
 */
final class EnginePeer {
    static final int EOF = -1;

    private final BlockingQueue<Integer> input = new LinkedBlockingQueue<>();
    private final EngineSocketTestPermutation engines;
    private volatile Channel channel;

    /** A peer on the client side of {@code engines} (connecting) or its server side (accepted). */
    EnginePeer(EngineSocketTestPermutation engines) {
        this.engines = engines;
    }

    /** Connects to {@code address} on the engine; the connection allows half-closure, as a socket does. */
    void connect(SocketAddress address) throws InterruptedException {
        channel = new Bootstrap().group(engines.clientGroup())
                .channelFactory(engines.clientTransport().channelFactory())
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(reader())
                .connect(address).sync().channel();
    }

    /** The next byte, or {@link #EOF}; fails after 10 s. */
    int read() throws InterruptedException {
        Integer b = input.poll(10, TimeUnit.SECONDS);
        if (b == null) {
            throw new AssertionError("engine peer read nothing for 10 s");
        }
        return b;
    }

    void write(int b) throws InterruptedException {
        channel.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {(byte) b})).sync();
    }

    void shutdownOutput() throws InterruptedException {
        ((DuplexChannel) channel).shutdownOutput().sync();
    }

    void close() throws InterruptedException {
        Channel c = channel;
        if (c != null) {
            c.close().sync();
        }
    }

    private SimpleChannelInboundHandler<ByteBuf> reader() {
        return new SimpleChannelInboundHandler<>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                while (msg.isReadable()) {
                    input.add(msg.readByte() & 0xff);
                }
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt == ChannelInputShutdownEvent.INSTANCE) {
                    input.add(EOF);
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                input.add(EOF);
            }
        };
    }

    /** A listening engine socket whose accepted connections are {@link EnginePeer}s, like {@code ServerSocket}. */
    static final class Server implements AutoCloseable {
        private final BlockingQueue<EnginePeer> accepted = new LinkedBlockingQueue<>();
        private final Channel channel;

        Server(EngineSocketTestPermutation engines, SocketAddress address) throws InterruptedException {
            channel = new ServerBootstrap().group(engines.serverGroup())
                    .channelFactory(engines.serverTransport().serverChannelFactory())
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            EnginePeer peer = new EnginePeer(engines);
                            peer.channel = ch;
                            ch.pipeline().addLast(peer.reader());
                            accepted.add(peer);
                        }
                    })
                    .bind(address).sync().channel();
        }

        SocketAddress localAddress() {
            return channel.localAddress();
        }

        EnginePeer accept() throws InterruptedException {
            EnginePeer peer = accepted.poll(10, TimeUnit.SECONDS);
            if (peer == null) {
                throw new AssertionError("no connection accepted in 10 s");
            }
            return peer;
        }

        @Override
        public void close() {
            channel.close().syncUninterruptibly();
        }
    }
}
