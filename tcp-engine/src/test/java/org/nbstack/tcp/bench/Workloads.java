package org.nbstack.tcp.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The benchmark's workloads, each a Netty client and server on one {@link BenchTarget}. */
final class Workloads {
    private Workloads() {
    }

    /** Result of a ping-pong run: round trips in nanoseconds, sorted. */
    record RoundTrips(long[] sortedNanos, double gbitPerSecond) {
        double percentileMicros(double p) {
            int i = (int) Math.min(sortedNanos.length - 1, Math.round(p * (sortedNanos.length - 1)));
            return sortedNanos[i] / 1000.0;
        }
    }

    /** One-way bulk transfer for {@code seconds}: the client writes 1 MiB buffers while writable, the server discards. */
    static double bulkGbitPerSecond(BenchTarget t, double seconds) throws Exception {
        AtomicLong received = new AtomicLong();
        Channel server = new ServerBootstrap().group(t.serverGroup()).channelFactory(t.serverChannels())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        received.addAndGet(((ByteBuf) msg).readableBytes());
                        ((ByteBuf) msg).release();
                    }
                }).bind(t.bindAddress()).sync().channel();
        Flooder flooder = new Flooder(1 << 20);
        Channel client = new Bootstrap().group(t.clientGroup()).channelFactory(t.clientChannels())
                .option(ChannelOption.TCP_NODELAY, true).handler(flooder)
                .connect(server.localAddress()).sync().channel();
        try {
            Thread.sleep((long) (seconds * 300)); // warm-up, not counted
            long startBytes = received.get();
            long start = System.nanoTime();
            Thread.sleep((long) (seconds * 1000));
            long bytes = received.get() - startBytes;
            double elapsed = (System.nanoTime() - start) / 1e9;
            return bytes * 8 / elapsed / 1e9;
        } finally {
            flooder.stop = true;
            client.close().sync();
            server.close().sync();
        }
    }

    /** Writes fixed-size buffers as long as the channel is writable. */
    static final class Flooder extends ChannelInboundHandlerAdapter {
        private final int size;
        volatile boolean stop;

        Flooder(int size) {
            this.size = size;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            flood(ctx);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            flood(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // the writes still queued when the run closes the channel fail; nothing to report
        }

        private void flood(ChannelHandlerContext ctx) {
            while (!stop && ctx.channel().isWritable()) {
                ctx.writeAndFlush(ctx.alloc().directBuffer(size).writeZero(size), ctx.voidPromise());
            }
        }
    }

    /**
     * Ping-pong of {@code size}-byte messages: the client sends one, the server echoes it, the client sends the
     * next when all of it is back. Returns every round trip after {@code warmup} ones.
     */
    static RoundTrips pingPong(BenchTarget t, int size, int warmup, int count) throws Exception {
        Channel server = new ServerBootstrap().group(t.serverGroup()).channelFactory(t.serverChannels())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ctx.write(msg, ctx.voidPromise());
                            }

                            @Override
                            public void channelReadComplete(ChannelHandlerContext ctx) {
                                ctx.flush();
                            }
                        });
                    }
                }).bind(t.bindAddress()).sync().channel();
        Pinger pinger = new Pinger(size, warmup, count);
        Channel client = new Bootstrap().group(t.clientGroup()).channelFactory(t.clientChannels())
                .option(ChannelOption.TCP_NODELAY, true).handler(pinger)
                .connect(server.localAddress()).sync().channel();
        try {
            long[] rtts = pinger.done.get(120, TimeUnit.SECONDS);
            double seconds = (pinger.endNanos - pinger.measureStartNanos) / 1e9;
            Arrays.sort(rtts);
            return new RoundTrips(rtts, 2.0 * size * count * 8 / seconds / 1e9);
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    static final class Pinger extends ChannelInboundHandlerAdapter {
        private final int size;
        private final int warmup;
        private final long[] rtts;
        final CompletableFuture<long[]> done = new CompletableFuture<>();
        private int sent;
        private int pending;
        private long sentAt;
        long measureStartNanos;
        long endNanos;

        Pinger(int size, int warmup, int count) {
            this.size = size;
            this.warmup = warmup;
            this.rtts = new long[count];
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ping(ctx);
        }

        private void ping(ChannelHandlerContext ctx) {
            if (sent == warmup) {
                measureStartNanos = System.nanoTime();
            }
            pending = size;
            sentAt = System.nanoTime();
            ctx.writeAndFlush(ctx.alloc().directBuffer(size).writeZero(size), ctx.voidPromise());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            pending -= ((ByteBuf) msg).readableBytes();
            ((ByteBuf) msg).release();
            if (pending > 0) {
                return;
            }
            long now = System.nanoTime();
            if (sent >= warmup) {
                rtts[sent - warmup] = now - sentAt;
            }
            sent++;
            if (sent - warmup == rtts.length) {
                endNanos = now;
                done.complete(rtts);
            } else {
                ping(ctx);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.completeExceptionally(cause);
            ctx.close();
        }
    }
}
