package org.nbstack.tcp.core;

import io.netty.buffer.ByteBuf;

/**
 * Out-of-order data waiting for the hole before it to be filled (RFC 9293 §3.10.7.4 "segment text"),
 * bounded in bytes. Pieces are kept sorted by sequence number and never overlap; the SACK blocks the
 * receiver reports (RFC 2018 §4) are the contiguous runs of pieces.
 */
final class ReassemblyQueue {
    private final ShardResources resources;
    // Allocated when the first out-of-order piece arrives; most connections never need them.
    private int[] seqs = new int[0];
    private ByteBuf[] data = new ByteBuf[0];
    private int count;
    private int bytes;
    /** Sequence number of the piece stored last, so its block is reported first (RFC 2018 §4). */
    private int latestSeq;
    private boolean hasLatest;

    ReassemblyQueue(ShardResources resources) {
        this.resources = resources;
    }

    int bytes() {
        return bytes;
    }

    boolean isEmpty() {
        return count == 0;
    }

    int pieces() {
        return count;
    }

    /**
     * Stores {@code buf} (ownership passes) at {@code seq}, keeping bytes already held where they overlap.
     * Returns false and releases it when storing would exceed {@code maxBytes}.
     */
    boolean insert(int seq, ByteBuf buf, int maxBytes) {
        int end = seq + buf.readableBytes();
        // First piece that ends after seq.
        int i = 0;
        while (i < count && Seq.le(seqs[i] + data[i].readableBytes(), seq)) {
            i++;
        }
        int cursor = seq;
        int stored = 0;
        boolean refused = false;
        while (Seq.lt(cursor, end)) {
            int nextStart = i < count ? seqs[i] : end;
            if (Seq.lt(cursor, nextStart)) {
                // A gap [cursor, min(nextStart, end)) that the new data fills.
                int gapEnd = Seq.min(nextStart, end);
                int len = gapEnd - cursor;
                if (bytes + len > maxBytes) {
                    refused = true;
                    break;
                }
                ByteBuf piece = buf.retainedSlice(buf.readerIndex() + (cursor - seq), len);
                insertAt(i, cursor, piece);
                bytes += len;
                resources.buffered(len);
                stored += len;
                i++;
                cursor = gapEnd;
            } else {
                // Already held: skip over the existing piece.
                cursor = seqs[i] + data[i].readableBytes();
                i++;
            }
        }
        buf.release();
        if (stored > 0) {
            latestSeq = seq;
            hasLatest = true;
        }
        return !refused;
    }

    private void insertAt(int i, int seq, ByteBuf piece) {
        if (count == seqs.length) {
            int size = Math.max(16, count * 2);
            int[] ns = new int[size];
            ByteBuf[] nd = new ByteBuf[size];
            System.arraycopy(seqs, 0, ns, 0, count);
            System.arraycopy(data, 0, nd, 0, count);
            seqs = ns;
            data = nd;
        }
        System.arraycopy(seqs, i, seqs, i + 1, count - i);
        System.arraycopy(data, i, data, i + 1, count - i);
        seqs[i] = seq;
        data[i] = piece;
        count++;
    }

    /** Sequence number where the first piece starts; only valid when not empty. */
    int firstSeq() {
        return seqs[0];
    }

    /**
     * Removes and returns the first piece if it starts at or before {@code rcvNxt}, trimmed to start at
     * rcvNxt; pieces wholly before rcvNxt are released. Returns null when the first piece is beyond rcvNxt.
     */
    ByteBuf pollInOrder(int rcvNxt) {
        while (count > 0) {
            int s = seqs[0];
            ByteBuf b = data[0];
            if (Seq.gt(s, rcvNxt)) {
                return null;
            }
            removeFirst();
            bytes -= b.readableBytes();
            resources.buffered(-b.readableBytes());
            int end = s + b.readableBytes();
            if (Seq.le(end, rcvNxt)) {
                b.release();
                continue;
            }
            b.skipBytes(rcvNxt - s);
            return b;
        }
        return null;
    }

    private void removeFirst() {
        System.arraycopy(seqs, 1, seqs, 0, count - 1);
        System.arraycopy(data, 1, data, 0, count - 1);
        data[--count] = null;
    }

    /**
     * Fills {@code edges} with up to {@code maxBlocks} SACK blocks (left, right pairs): the block holding the
     * most recently stored data first, then the others from the highest down. Returns the number of blocks.
     */
    int sackBlocks(int[] edges, int maxBlocks) {
        if (count == 0 || maxBlocks == 0) {
            return 0;
        }
        int n = 0;
        int firstLeft = 0;
        int firstRight = 0;
        if (hasLatest) {
            for (int b = 0; b < count; ) {
                int left = seqs[b];
                int right = left + data[b].readableBytes();
                int e = b + 1;
                while (e < count && seqs[e] == right) {
                    right += data[e].readableBytes();
                    e++;
                }
                if (Seq.inWindow(latestSeq, left, right)) {
                    edges[0] = firstLeft = left;
                    edges[1] = firstRight = right;
                    n = 1;
                    break;
                }
                b = e;
            }
        }
        // Remaining blocks from the highest down.
        int b = count - 1;
        while (b >= 0 && n < maxBlocks) {
            int right = seqs[b] + data[b].readableBytes();
            int s = b;
            while (s > 0 && seqs[s - 1] + data[s - 1].readableBytes() == seqs[s]) {
                s--;
            }
            int left = seqs[s];
            if (!(n > 0 && left == firstLeft && right == firstRight)) {
                edges[2 * n] = left;
                edges[2 * n + 1] = right;
                n++;
            }
            b = s - 1;
        }
        return n;
    }

    void releaseAll() {
        for (int i = 0; i < count; i++) {
            data[i].release();
            data[i] = null;
        }
        count = 0;
        resources.buffered(-bytes);
        bytes = 0;
        hasLatest = false;
    }
}
