package org.nbstack.tcp.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import java.net.InetSocketAddress;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Large received segments reach the pipeline as the slices they arrived in, not copied into a buffer of the
 * channel's allocator: 4 MiB over the mem link (64 KiB packets) arrive byte-exact while the receiving channel's
 * allocator hands out less than a quarter of that (before, every byte was copied into its buffers).
 */
class ReceivedSliceHandOverTest {
    private static final int TOTAL = 4 << 20;
    private static final int WRITE = 64 << 10;

    /** Counts the capacity of every buffer the receiving channel's reads take from its allocator. */
    private static final class CountingAllocator extends AbstractByteBufAllocator {
        final AtomicLong allocated = new AtomicLong();

        CountingAllocator() {
            super(true);
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            allocated.addAndGet(initialCapacity);
            return Unpooled.directBuffer(initialCapacity, maxCapacity);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            allocated.addAndGet(initialCapacity);
            return Unpooled.buffer(initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }

    @Test
    @Timeout(60)
    void largeSegmentsAreHandedToThePipelineWithoutACopy() throws Exception {
        byte[] data = new byte[TOTAL];
        new Random(17).nextBytes(data);
        CRC32C expected = new CRC32C();
        expected.update(data);
        CountingAllocator serverAllocator = new CountingAllocator();
        CompletableFuture<Long> received = new CompletableFuture<>();
        try (EnginePair pair = new EnginePair("mem://slice-hand-over", 1)) {
            Channel server = new ServerBootstrap().group(pair.serverGroup)
                    .channelFactory(() -> new EngineServerSocketChannel(pair.server))
                    .childOption(ChannelOption.ALLOCATOR, serverAllocator)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                private final CRC32C crc = new CRC32C();
                                private long count;

                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ByteBuf buf = (ByteBuf) msg;
                                    count += buf.readableBytes();
                                    crc.update(buf.nioBuffer());
                                    buf.release();
                                    if (count == TOTAL) {
                                        received.complete(crc.getValue());
                                    }
                                }
                            });
                        }
                    })
                    .bind(new InetSocketAddress(EnginePair.SERVER_ADDRESS, 0)).sync().channel();
            Channel client = new Bootstrap().group(pair.clientGroup)
                    .channelFactory(() -> new EngineSocketChannel(pair.client))
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(server.localAddress()).sync().channel();
            for (int off = 0; off < TOTAL; off += WRITE) {
                client.write(Unpooled.wrappedBuffer(data, off, WRITE));
            }
            client.flush();
            assertThat(received.get(30, TimeUnit.SECONDS)).as("CRC32C of the 4 MiB received")
                    .isEqualTo(expected.getValue());
            assertThat(serverAllocator.allocated.get()).as("bytes of buffers the receiving reads allocated")
                    .isLessThan(TOTAL / 4);
            client.close().sync();
            server.close().sync();
        }
    }
}
