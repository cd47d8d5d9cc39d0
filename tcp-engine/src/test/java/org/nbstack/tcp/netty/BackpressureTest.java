package org.nbstack.tcp.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nbstack.spi.Transport;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.sim.SimEngines;
import org.nbstack.tcp.sim.SimEventLoops;

/**
 * A reader that stops reading (AUTO_READ off) holds the writer back through the TCP window: the
 * writer's channel turns unwritable, what it has handed to the engine stays within the peer's receive
 * window plus its own send buffer and Netty's high water mark, and it turns writable again once the
 * reader resumes. Seed 004 (Q186873): a stalled peer must not make its sender buffer without bound.
 */
class BackpressureTest {
    private static final int CHUNK = 16 * 1024;
    private static final int RCVBUF = 64 * 1024;
    private static final int SNDBUF = 64 * 1024;
    private static final WriteBufferWaterMark MARKS = new WriteBufferWaterMark(32 * 1024, 128 * 1024);

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aPeerThatStopsReadingMakesTheWriterUnwritableUntilItResumes() throws Exception {
        // In virtual time (SimEventLoops): the stalled phase lasts a whole virtual minute, long enough for anything
        // unbounded to show, and costs no wall-clock time.
        try (SimEventLoops sim = new SimEventLoops(3); SimEngines engines = new SimEngines(sim, "delay=200us")) {
            Transport serverSide = engines.transport("server", EnginePair.SERVER_ADDRESS);
            Transport clientSide = engines.transport("client", EnginePair.CLIENT_ADDRESS);
            BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
            AtomicLong readByServer = new AtomicLong();
            ChannelFuture bound = new ServerBootstrap().group(serverSide.newEventLoopGroup(1))
                    .channelFactory(serverSide.serverChannelFactory())
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.SO_RCVBUF, RCVBUF)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    readByServer.addAndGet(((ByteBuf) msg).readableBytes());
                                    ((ByteBuf) msg).release();
                                }

                                @Override
                                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                    ctx.close();
                                }
                            });
                            accepted.add(ch);
                        }
                    })
                    .bind(new InetSocketAddress(EnginePair.SERVER_ADDRESS, 8000));
            assertThat(sim.runUntil(bound::isDone, Duration.ofSeconds(1)) && bound.isSuccess()).as("bound").isTrue();
            Channel server = bound.channel();

            StubbornWriter writer = new StubbornWriter();
            ChannelFuture connected = new Bootstrap().group(clientSide.newEventLoopGroup(1))
                    .channelFactory(clientSide.channelFactory())
                    .option(ChannelOption.SO_SNDBUF, SNDBUF)
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, MARKS)
                    .handler(writer)
                    .connect(server.localAddress());
            assertThat(sim.runUntil(() -> connected.isDone() && !accepted.isEmpty(), Duration.ofSeconds(10))).as("connected").isTrue();
            Channel client = connected.channel();
            Channel child = accepted.poll();

            // The reader reads nothing: the writer must become unwritable and stay so.
            assertThat(sim.runUntil(writer.unwritable::isDone, Duration.ofSeconds(20))).as("writer unwritable").isTrue();
            sim.runFor(Duration.ofMinutes(1)); // a virtual minute for anything unbounded to show
            long handedToEngine = writer.completedBytes.get();
            long pending = client.unsafe().outboundBuffer().totalPendingWriteBytes(); // nothing runs between run calls
            assertThat(client.isWritable()).isFalse();
            assertThat(readByServer.get()).isZero();
            // Accepted by the engine: at most the window the peer offered plus our send buffer (+ one chunk).
            // The handshake of an accepted connection offers the engine's default receive buffer; the child's
            // SO_RCVBUF applies after it and an offered window never shrinks (RFC 9293 §3.8.6).
            long offeredWindow = Math.max(RCVBUF, TcpConfig.DEFAULT.receiveBuffer());
            assertThat(handedToEngine).isLessThanOrEqualTo(offeredWindow + SNDBUF + CHUNK);
            // Waiting in Netty: bounded by the high water mark, because the writer stops when unwritable.
            assertThat(pending).isLessThanOrEqualTo(MARKS.high() + CHUNK);

            // The reader resumes: everything drains and the writer becomes writable again.
            writer.writable = new CompletableFuture<>();
            child.config().setAutoRead(true);
            assertThat(sim.runUntil(writer.writable::isDone, Duration.ofSeconds(20))).as("writable again").isTrue();
            assertThat(readByServer.get()).isGreaterThan(0);
            writer.stopped = true;
            client.close();
            server.close();
            sim.runFor(Duration.ofMillis(100));
        }
    }

    /** Writes chunks as long as the channel is writable and notes when it stops being so. */
    static final class StubbornWriter extends ChannelInboundHandlerAdapter {
        final CompletableFuture<Void> unwritable = new CompletableFuture<>();
        volatile CompletableFuture<Void> writable = new CompletableFuture<>();
        final AtomicLong completedBytes = new AtomicLong();
        volatile boolean stopped;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            fill(ctx);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                writable.complete(null);
                fill(ctx); // a writer that always has more to say
            } else {
                unwritable.complete(null);
            }
        }

        private void fill(ChannelHandlerContext ctx) {
            while (!stopped && ctx.channel().isWritable()) {
                ByteBuf buf = ctx.alloc().buffer(CHUNK).writeZero(CHUNK);
                ctx.writeAndFlush(buf).addListener(f -> {
                    if (f.isSuccess()) {
                        completedBytes.addAndGet(CHUNK);
                    }
                });
            }
        }
    }
}
