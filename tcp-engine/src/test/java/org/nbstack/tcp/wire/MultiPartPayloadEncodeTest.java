package org.nbstack.tcp.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * A segment whose payload spans two writes (a composite of two send-buffer parts) is copied into the packet part
 * by part. Netty's {@code writeBytes} into the default (adaptive) allocator's buffers first merged such a payload
 * into a temporary array of its whole size: 88% of the bytes allocated in a bulk transfer. Measured as heap bytes
 * the encoding thread allocates, since the copy itself is invisible in the result.
 */
class MultiPartPayloadEncodeTest {
    private static final int PART = 32_000;
    private static final int ROUNDS = 50;

    private static long allocatedByThisThread() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /** Buffers the leak detector does not track, so its records do not depend on the payload's parts. */
    private static final ByteBufAllocator UNTRACKED = new UnpooledByteBufAllocator(true, true);

    private static ByteBuf part(int first) {
        ByteBuf b = UNTRACKED.directBuffer(PART);
        for (int i = 0; i < PART; i++) {
            b.writeByte(first + i);
        }
        return b;
    }

    /** Heap bytes this thread allocates per encode of {@code segment}, after a warm-up. */
    private static long heapBytesPerEncode(TcpSegment segment, ByteBufAllocator alloc) {
        for (int i = 0; i < 5; i++) { // warm up: the allocator's own structures, the code paths
            PacketCodec.encode(segment, alloc).release();
        }
        long before = allocatedByThisThread();
        for (int i = 0; i < ROUNDS; i++) {
            PacketCodec.encode(segment, alloc).release();
        }
        return (allocatedByThisThread() - before) / ROUNDS;
    }

    private static TcpSegment segment(ByteBuf payload) {
        return new TcpSegment(Ipv4.parse("10.0.0.1"), Ipv4.parse("10.0.0.2"), 40000, 139, 1, 1, TcpFlags.ACK, 65535,
                null, payload);
    }

    @Test
    void aTwoPartPayloadIsEncodedWithoutMergingItFirst() {
        ByteBufAllocator alloc = new AdaptiveByteBufAllocator(true, true);
        CompositeByteBuf payload = new CompositeByteBuf(UNTRACKED, true, 2, part(0), part(7));
        ByteBuf onePart = UNTRACKED.directBuffer(2 * PART).writeBytes(payload, 0, 2 * PART);
        TcpSegment segment = segment(payload);
        try {
            // The leak detector's records of the packet (PARANOID in tests) cost both alike; a merge costs 64,000 bytes.
            long baseline = heapBytesPerEncode(segment(onePart), alloc);
            long twoParts = heapBytesPerEncode(segment, alloc);
            assertThat(twoParts - baseline)
                    .as("heap bytes a two-part payload of %d bytes costs per encode beyond a one-part one "
                            + "(%d against %d)", 2 * PART, twoParts, baseline)
                    .isLessThan(2 * PART / 4);

            ByteBuf packet = PacketCodec.encode(segment, alloc);
            try {
                TcpSegment decoded = PacketCodec.decode(packet, new DropCounters());
                assertThat(decoded).isNotNull();
                assertThat(ByteBufUtil.equals(decoded.payload, payload)).as("payload bytes").isTrue();
                decoded.release();
            } finally {
                packet.release();
            }
        } finally {
            payload.release();
            onePart.release();
        }
    }
}
