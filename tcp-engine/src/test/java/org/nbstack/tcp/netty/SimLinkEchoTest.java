package org.nbstack.tcp.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.util.ResourceLeakDetector;
import java.net.InetSocketAddress;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nbstack.tcp.link.SimLinkStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * 100 MiB echoed through engine channels between two engines on a {@code sim} switch with Ethernet's MTU
 * that loses 2% of the packets and reorders 2% in each direction: every byte comes back, in order. Seed
 * 002 (Q189080): large transfers must survive loss and reordering without the connection aborting.
 */
class SimLinkEchoTest {
    private static final Logger log = LoggerFactory.getLogger(SimLinkEchoTest.class);
    private static final long TOTAL = 100L << 20;
    private static final int CHUNK = 64 * 1024;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void hundredMebibytesEchoByteExactUnderLossAndReordering() throws Exception {
        // Ethernet's MTU: 72k packets each way, about 1,500 of them lost. RACK-TLP (RFC 8985) repairs the
        // losses, tail losses included, without waiting for the 200 ms RTO (before it, this took over a minute).
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        // PARANOID records a stack trace on every ByteBuf access (the codec reads 8 bytes at a time), which
        // turns seconds into many minutes; sampled detection still reports leaks to the build's detector,
        // and the PARANOID run below covers the same paths with less data.
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
        try {
            echo("sim://echo-100MiB?loss=0.02&reorder=0.02&mtu=1500&seed=7", TOTAL, 110);
        } finally {
            ResourceLeakDetector.setLevel(level);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void echoUnderEveryFaultIsByteExactAndLeakFree() throws Exception {
        echo("sim://echo-all-faults?loss=0.02&reorder=0.02&dup=0.01&corrupt=0.005&delay=100us&jitter=100us&mtu=9000"
                + "&seed=11", 4L << 20, 110);
    }

    private void echo(String link, long total, int timeoutSeconds) throws Exception {
        try (EnginePair pair = new EnginePair(link, 1)) {
            Channel server = new ServerBootstrap().group(pair.serverGroup)
                    .channelFactory(() -> new EngineServerSocketChannel(pair.server))
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new EchoHandler());
                        }
                    })
                    .bind(new InetSocketAddress(EnginePair.SERVER_ADDRESS, 7)).sync().channel();
            CompletableFuture<Long> verified = new CompletableFuture<>();
            long start = System.nanoTime();
            Channel client = new Bootstrap().group(pair.clientGroup)
                    .channelFactory(() -> new EngineSocketChannel(pair.client))
                    .handler(new PatternSender(total, CHUNK, 2002, verified))
                    .connect(server.localAddress()).sync().channel();
            try {
                long echoed = verified.get(timeoutSeconds, TimeUnit.SECONDS);
                double seconds = (System.nanoTime() - start) / 1e9;
                SimLinkStats there = SimLinkStats.of(pair.client.link());
                SimLinkStats back = SimLinkStats.of(pair.server.link());
                log.info("{}: echoed {} MiB in {} s ({} Mbit/s each way); client->server {}, server->client {};"
                        + " client TCP: {}; server TCP: {}", link, echoed >> 20, String.format("%.1f", seconds),
                        String.format("%.0f", echoed * 8 / seconds / 1e6), there, back, pair.client.tcpSummary(),
                        pair.server.tcpSummary());
                assertThat(echoed).isEqualTo(total);
                assertThat(there.lost() + back.lost()).as("packets the sim link dropped").isPositive();
                assertThat(there.reordered() + back.reordered()).as("packets the sim link reordered").isPositive();
            } finally {
                client.close().sync();
                server.close().sync();
            }
        }
    }

    /** Echoes what it reads; stops reading while its own writes cannot drain (backpressure). */
    static final class EchoHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
            if (!ctx.channel().isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                ctx.channel().config().setAutoRead(true);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Sends a seeded byte stream while writable and checks that the echo is the same stream. */
    static final class PatternSender extends ChannelInboundHandlerAdapter {
        private final long total;
        private final int chunk;
        private final SplittableRandom sendPattern;
        private final SplittableRandom checkPattern;
        private final CompletableFuture<Long> result;
        private final byte[] expected;
        private int expectedPos;
        private long sent;
        private long received;

        PatternSender(long total, int chunk, long seed, CompletableFuture<Long> result) {
            this.total = total;
            this.chunk = chunk;
            this.sendPattern = new SplittableRandom(seed);
            this.checkPattern = new SplittableRandom(seed);
            this.result = result;
            this.expected = new byte[chunk];
            this.expectedPos = chunk;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            sendWhileWritable(ctx);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            sendWhileWritable(ctx);
        }

        private void sendWhileWritable(ChannelHandlerContext ctx) {
            boolean wrote = false;
            while (sent < total && ctx.channel().isWritable()) {
                int n = (int) Math.min(chunk, total - sent);
                // Whole arrays: under the PARANOID leak detector every ByteBuf access records a stack trace.
                byte[] bytes = new byte[n];
                sendPattern.nextBytes(bytes);
                ByteBuf buf = ctx.alloc().buffer(n).writeBytes(bytes);
                sent += n;
                ctx.write(buf);
                wrote = true;
            }
            if (wrote) {
                ctx.flush();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                byte[] actual = new byte[buf.readableBytes()];
                buf.readBytes(actual);
                for (byte b : actual) {
                    if (expectedPos == expected.length) {
                        checkPattern.nextBytes(expected);
                        expectedPos = 0;
                    }
                    if (b != expected[expectedPos++]) {
                        fail(ctx, received);
                        return;
                    }
                    received++;
                }
            } finally {
                buf.release();
            }
            if (received == total) {
                result.complete(received);
            }
        }

        private void fail(ChannelHandlerContext ctx, long offset) {
            result.completeExceptionally(new AssertionError("echo differs at byte " + offset));
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.completeExceptionally(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.completeExceptionally(new AssertionError("connection closed after " + received + " bytes"));
        }
    }
}
