package org.nbstack.tcp.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The send queue's buffers: a small write holds a chunk of about its own size, not a fixed 16 KiB (50,000
 * connections each writing 64 bytes would otherwise hold 800 MiB), while a bulk sender's chunks still grow to
 * the largest size; the bytes read back are the bytes written, and the shard's account is charged the bytes
 * queued.
 */
class SendQueueTest {
    private final ShardResources resources = ShardResources.of(new UnpooledByteBufAllocator(false, true),
            new TcpCounters());
    private final MemoryAccount account = resources.memory().open(() -> { });
    private final SendQueue queue = new SendQueue(resources, account);
    private final List<ByteBuf> slices = new ArrayList<>();

    @AfterEach
    void releaseEverything() {
        slices.forEach(ByteBuf::release);
        queue.releaseAll();
        assertThat(resources.bufferedBytes()).isZero();
    }

    private static ByteBuf bytes(int len, int first) {
        ByteBuf b = Unpooled.buffer(len);
        for (int i = 0; i < len; i++) {
            b.writeByte(first + i);
        }
        return b;
    }

    @Test
    void aSmallWriteOnAnIdleConnectionHoldsAChunkOfItsOwnSize() {
        queue.add(bytes(64, 0));
        assertThat(queue.capacityHeld()).as("a 64-byte write").isEqualTo(64);
        assertThat(resources.bufferedBytes()).as("the shard is charged the bytes queued").isEqualTo(64);

        queue.removeBefore(64);
        assertThat(queue.capacityHeld()).as("acknowledged: nothing held").isZero();
        queue.add(bytes(100, 0));
        assertThat(queue.capacityHeld()).as("the next small write on the idle connection").isEqualTo(128);
        assertThat(resources.bufferedBytes()).isEqualTo(100);
    }

    @Test
    void chunksGrowForABulkSenderAndReadBackExactly() {
        int writes = 1024;
        for (int i = 0; i < writes; i++) {
            queue.add(bytes(1000, i));
        }
        long total = 1000L * writes;
        assertThat(queue.bytes()).isEqualTo((int) total);
        assertThat(resources.bufferedBytes()).isEqualTo(total);
        // 1, 2, 4, 8 KiB, then 16 KiB chunks: within 5% of the bytes queued
        assertThat(queue.capacityHeld()).as("capacity held for %d bytes", total)
                .isLessThanOrEqualTo(total + total / 20);

        // a segment spanning chunk boundaries reads back the bytes written, in order
        ByteBuf segment = queue.slice(900, 40_000);
        slices.add(segment);
        for (int off = 0; off < 40_000; off++) {
            long stream = 900 + off;
            int expected = (byte) ((stream / 1000) + (stream % 1000));
            assertThat(segment.getByte(segment.readerIndex() + off)).as("byte %d", stream).isEqualTo((byte) expected);
        }
        queue.removeBefore(total - 10);
        assertThat(resources.bufferedBytes()).isEqualTo(10);
        assertThat(queue.capacityHeld()).as("only the last chunk is left").isLessThanOrEqualTo(SendQueue.MAX_CHUNK);
    }
}
