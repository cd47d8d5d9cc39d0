package org.nbstack.tcp.core;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Bytes written by the application and not yet acknowledged, in stream order. Segments are cut from
 * it as retained slices (zero copy); acknowledged bytes are released from the front. Small writes are
 * copied into a shared tail chunk so a segment is not made of hundreds of tiny components. Chunks are
 * sized to the write: a write to an idle connection takes a chunk just large enough for it, and each
 * further chunk opened while data is still queued doubles, up to {@link #MAX_CHUNK}, so a connection
 * that sends one small message holds a small buffer and a bulk sender still fills large ones.
 */
final class SendQueue {
    static final int COALESCE_LIMIT = 1024;
    static final int MIN_CHUNK = 64;
    static final int MAX_CHUNK = 16 * 1024;

    private final ByteBufAllocator alloc;
    private final MemoryAccount account;
    // Allocated on the first write, so a handshake in progress holds no arrays (RFC 4987 §2: keep SYN state small).
    private ByteBuf[] bufs = new ByteBuf[0];
    /** Stream offset of each buffer's first readable byte, parallel to {@link #bufs}. */
    private long[] starts = new long[0];
    private int head;
    private int count;
    /** Stream offset of the first byte still held (everything before it was acknowledged). */
    private long frontOffset;
    private long endOffset;
    /** Whether the last buffer is our own coalescing buffer that may still be appended to. */
    private boolean tailIsOwn;
    /** Capacity of the last chunk opened; the next one opened while data is queued doubles it. */
    private int lastChunkCapacity;

    /** @param account the connection's share of the shard's memory, charged the bytes queued */
    SendQueue(ShardResources resources, MemoryAccount account) {
        this.alloc = resources.alloc();
        this.account = account;
    }

    int bytes() {
        return (int) (endOffset - frontOffset);
    }

    long frontOffset() {
        return frontOffset;
    }

    long endOffset() {
        return endOffset;
    }

    /** Appends data; ownership passes to the queue. */
    void add(ByteBuf data) {
        int len = data.readableBytes();
        if (len == 0) {
            data.release();
            return;
        }
        if (len <= COALESCE_LIMIT) {
            ByteBuf tail = count > 0 && tailIsOwn ? bufs[index(count - 1)] : null;
            if (tail == null || tail.writableBytes() < len) {
                tail = alloc.buffer(nextChunkCapacity(len));
                push(tail, endOffset);
                tailIsOwn = true;
            }
            tail.writeBytes(data);
            data.release();
        } else {
            push(data, endOffset);
            tailIsOwn = false;
        }
        endOffset += len;
        account.sendCharged(len);
    }

    /** A chunk for a write of {@code len} bytes: its own size on an idle queue, growing while data stays queued. */
    private int nextChunkCapacity(int len) {
        int grown = count == 0 ? 0 : Math.min(MAX_CHUNK, lastChunkCapacity * 2);
        int capacity = Math.max(grown, Math.max(MIN_CHUNK, Integer.highestOneBit(len - 1) << 1));
        lastChunkCapacity = capacity;
        return capacity;
    }

    /** Bytes of buffer capacity the queue holds (its own chunks and the buffers written to it). */
    long capacityHeld() {
        long held = 0;
        for (int k = 0; k < count; k++) {
            held += bufs[index(k)].capacity();
        }
        return held;
    }

    private void push(ByteBuf buf, long start) {
        if (count == bufs.length) {
            grow();
        }
        int i = index(count);
        bufs[i] = buf;
        starts[i] = start;
        count++;
    }

    private void grow() {
        int size = Math.max(16, bufs.length * 2); // a power of two: indexes wrap with a mask
        ByteBuf[] nb = new ByteBuf[size];
        long[] ns = new long[size];
        for (int k = 0; k < count; k++) {
            nb[k] = bufs[index(k)];
            ns[k] = starts[index(k)];
        }
        bufs = nb;
        starts = ns;
        head = 0;
    }

    private int index(int k) {
        return (head + k) & (bufs.length - 1);
    }

    /** A retained view of {@code len} bytes starting at stream offset {@code offset}. */
    ByteBuf slice(long offset, int len) {
        if (len == 0) {
            return Unpooled.EMPTY_BUFFER;
        }
        if (offset < frontOffset || offset + len > endOffset) {
            throw new IllegalArgumentException("slice [" + offset + ", " + (offset + len) + ") outside queue ["
                    + frontOffset + ", " + endOffset + ")");
        }
        int k = find(offset);
        ByteBuf first = bufs[index(k)];
        int within = (int) (offset - starts[index(k)]);
        int firstLen = Math.min(len, first.readableBytes() - within);
        if (firstLen == len) {
            return first.retainedSlice(first.readerIndex() + within, len);
        }
        CompositeByteBuf composite = alloc.compositeBuffer(8);
        composite.addComponent(true, first.retainedSlice(first.readerIndex() + within, firstLen));
        int remaining = len - firstLen;
        while (remaining > 0) {
            ByteBuf next = bufs[index(++k)];
            int take = Math.min(remaining, next.readableBytes());
            composite.addComponent(true, next.retainedSlice(next.readerIndex(), take));
            remaining -= take;
        }
        return composite;
    }

    /** Index (relative to head) of the buffer holding stream offset {@code offset}. */
    private int find(long offset) {
        int lo = 0;
        int hi = count - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (starts[index(mid)] <= offset) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** Releases everything before stream offset {@code offset} (acknowledged bytes). */
    void removeBefore(long offset) {
        if (offset > endOffset) {
            offset = endOffset;
        }
        long before = frontOffset;
        while (count > 0 && frontOffset < offset) {
            int i = index(0);
            ByteBuf b = bufs[i];
            long bufEnd = starts[i] + b.readableBytes();
            if (bufEnd <= offset) {
                b.release();
                bufs[i] = null;
                head = (head + 1) & (bufs.length - 1);
                count--;
                frontOffset = bufEnd;
                if (count == 0) {
                    tailIsOwn = false;
                }
            } else {
                int skip = (int) (offset - starts[i]);
                b.skipBytes(skip);
                starts[i] = offset;
                frontOffset = offset;
            }
        }
        frontOffset = Math.max(frontOffset, Math.min(offset, endOffset));
        account.sendCharged(before - frontOffset);
    }

    void releaseAll() {
        account.sendCharged(frontOffset - endOffset);
        while (count > 0) {
            int i = index(0);
            bufs[i].release();
            bufs[i] = null;
            head = (head + 1) & (bufs.length - 1);
            count--;
        }
        frontOffset = endOffset;
        tailIsOwn = false;
    }
}
