package org.nbstack.tcp.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Seed 004 class at the TCP level: a peer sending tiny segments after a hole must not make the shard's loop
 * do quadratic work, pin unbounded memory through slices, or hold unbounded pieces.
 */
class ReassemblyQueueTest {
    /** The old list-based queue took 29 s for 100k pieces; a tree takes tens of milliseconds. */
    private static final long GENEROUS_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int HOLE = 1000;

    private final TcpCounters counters = new TcpCounters();
    // Without leak tracking, so the time bounds measure the queue, not the paranoid leak detector's bookkeeping.
    private final ShardResources resources = ShardResources.of(new UnpooledByteBufAllocator(false, true), counters);
    private ReassemblyQueue q;

    @AfterEach
    void release() {
        if (q != null) {
            q.releaseAll();
            assertThat(resources.bufferedBytes()).as("every charge is given back").isZero();
        }
    }

    private static ByteBuf oneByte(int value) {
        return Unpooled.wrappedBuffer(new byte[] {(byte) value});
    }

    @Test
    void hundredThousandOneByteSegmentsAfterAHoleCoalesceAndCompleteInBoundedWork() {
        q = new ReassemblyQueue(resources);
        int[] edges = new int[8];
        long start = System.nanoTime();
        for (int i = 1; i <= 100_000; i++) {
            assertThat(q.insert(HOLE + i, oneByte(i), 1 << 20)).isTrue();
            assertThat(q.sackBlocks(edges, 4)).isEqualTo(1); // the receiver reports SACK after each one
        }
        assertThat(edges[0]).isEqualTo(HOLE + 1);
        assertThat(edges[1]).isEqualTo(HOLE + 100_001);
        assertThat(q.pieces()).as("contiguous tiny pieces are collapsed into few buffers").isLessThan(20);
        assertThat(q.chargedBytes()).as("they pin about what they hold").isLessThan(2 * 100_000);
        assertThat(q.insert(HOLE, oneByte(0), 1 << 20)).isTrue();
        int rcvNxt = HOLE;
        ByteBuf next;
        while ((next = q.pollInOrder(rcvNxt)) != null) {
            for (int k = 0; k < next.readableBytes(); k++) {
                assertThat(next.getByte(next.readerIndex() + k)).isEqualTo((byte) (rcvNxt - HOLE + k));
            }
            rcvNxt += next.readableBytes();
            next.release();
        }
        assertThat(rcvNxt).isEqualTo(HOLE + 100_001);
        assertThat(System.nanoTime() - start).isLessThan(GENEROUS_NANOS);
    }

    @Test
    void hundredThousandSeparatePiecesCostLogarithmicWorkEach() {
        q = new ReassemblyQueue(resources, 200_000);
        int[] edges = new int[8];
        long start = System.nanoTime();
        // Every other byte, so nothing coalesces: 100k pieces and 100k SACK runs.
        for (int i = 0; i < 100_000; i++) {
            assertThat(q.insert(HOLE + 1 + 2 * i, oneByte(i), Integer.MAX_VALUE)).isTrue();
            assertThat(q.sackBlocks(edges, 4)).isEqualTo(Math.min(4, i + 1));
        }
        assertThat(q.pieces()).isEqualTo(100_000);
        assertThat(edges[0]).as("the newest block first").isEqualTo(HOLE + 1 + 2 * 99_999);
        // Fill every hole from the front: each fill releases one piece.
        int rcvNxt = HOLE;
        for (int i = 0; i < 100_000; i++) {
            rcvNxt++; // the hole byte, delivered in order by the connection
            ByteBuf next = q.pollInOrder(rcvNxt);
            assertThat(next.readableBytes()).isEqualTo(1);
            rcvNxt++;
            next.release();
        }
        assertThat(q.isEmpty()).isTrue();
        assertThat(System.nanoTime() - start).isLessThan(GENEROUS_NANOS);
    }

    @Test
    void piecesBeyondTheBoundAreDroppedAndCounted() {
        q = new ReassemblyQueue(resources);
        int accepted = 0;
        for (int i = 0; i < ReassemblyQueue.DEFAULT_MAX_PIECES + 100; i++) {
            if (q.insert(HOLE + 1 + 2 * i, oneByte(i), Integer.MAX_VALUE)) {
                accepted++;
            }
        }
        assertThat(accepted).isEqualTo(ReassemblyQueue.DEFAULT_MAX_PIECES);
        assertThat(q.pieces()).isEqualTo(ReassemblyQueue.DEFAULT_MAX_PIECES);
        assertThat(counters.outOfOrderPieceLimitDrops).isEqualTo(100);
        // Data continuing an existing piece still fits: it needs no new piece.
        assertThat(q.insert(HOLE + 2, oneByte(0), Integer.MAX_VALUE)).isTrue();
    }

    @Test
    void aSmallSliceOfABigBufferIsCopiedOutSoTheBufferIsFreed() {
        q = new ReassemblyQueue(resources);
        ByteBuf packet = Unpooled.buffer(65536, 65536).writeZero(65536);
        ByteBuf slice = packet.retainedSlice(100, 10);
        packet.release();
        assertThat(q.insert(HOLE + 1, slice, 1 << 20)).isTrue();
        assertThat(packet.refCnt()).as("the 64 KiB buffer is not pinned by 10 bytes").isZero();
        assertThat(q.bytes()).isEqualTo(10);
        assertThat(q.chargedBytes()).isLessThan(1024);
        assertThat(resources.bufferedBytes()).isEqualTo(q.chargedBytes());
    }

    @Test
    void aSliceThatKeepsItsBufferIsChargedTheWholeBuffer() {
        q = new ReassemblyQueue(resources);
        ByteBuf packet = Unpooled.buffer(1500, 1500).writeZero(1500);
        ByteBuf slice = packet.retainedSlice(40, 1400);
        packet.release();
        assertThat(q.insert(HOLE + 1, slice, 1 << 20)).isTrue();
        assertThat(packet.refCnt()).as("a mostly-full buffer is kept, not copied").isEqualTo(1);
        assertThat(q.chargedBytes()).isEqualTo(1500 + ReassemblyQueue.PIECE_OVERHEAD);
        assertThat(resources.bufferedBytes()).isEqualTo(q.chargedBytes());
    }

    @Test
    void memoryPinnedIsBoundedEvenWhenDataBytesAreFew() {
        q = new ReassemblyQueue(resources);
        int bound = 10_000;
        int stored = 0;
        for (int i = 0; i < 1000; i++) {
            if (q.insert(HOLE + 1 + 2 * i, oneByte(i), bound)) {
                stored++;
            }
        }
        assertThat(q.bytes()).isEqualTo(stored).isLessThan(bound);
        assertThat(q.chargedBytes()).as("per-piece cost counted").isLessThanOrEqualTo(2L * bound);
        assertThat(stored).isLessThan(2 * bound / ReassemblyQueue.PIECE_OVERHEAD + 1);
    }
}
