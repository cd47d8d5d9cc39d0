package org.nbstack.tcp.core;

import io.netty.buffer.ByteBuf;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Out-of-order data waiting for the hole before it to be filled (RFC 9293 §3.10.7.4 "segment text"),
 * bounded in bytes, in memory pinned and in pieces. Pieces are kept in a tree by sequence number and never
 * overlap, so a segment costs O(log n) however many pieces are held; the SACK blocks the receiver reports
 * (RFC 2018 §4) are the contiguous runs of pieces, kept in a second tree and merged as pieces arrive.
 *
 * <p>A piece is charged what it really pins, as Linux charges an skb's truesize: a slice keeps its whole
 * received buffer alive, so it is charged that buffer's capacity; a piece that would pin much more than it
 * holds (or a small one) is copied out instead, and small copies that continue each other are appended into
 * one buffer, as Linux collapses its out-of-order queue.
 */
final class ReassemblyQueue {
    /** Pieces one connection may hold; beyond it new out-of-order data is dropped and counted. */
    static final int DEFAULT_MAX_PIECES = 4096;
    /** What one piece costs besides its buffer: the piece and its tree entries. */
    static final int PIECE_OVERHEAD = 64;
    /** Pieces shorter than this are copied, so that a run of tiny segments becomes one buffer. */
    private static final int COPY_BELOW = 512;
    /** A copied buffer grows by appending up to this size, then a new one starts. */
    private static final int COALESCE_LIMIT = 16 * 1024;
    /** Sequence order; valid because every piece lies within one receive window (< 2^31) of RCV.NXT. */
    private static final Comparator<Integer> SEQ_ORDER = (a, b) -> Integer.compare(a - b, 0);

    private static final class Piece {
        final int seq;
        final ByteBuf buf;
        /** Whether the buffer is the queue's own copy, so more data may be appended to it. */
        final boolean copy;
        int charge;

        Piece(int seq, ByteBuf buf, boolean copy, int charge) {
            this.seq = seq;
            this.buf = buf;
            this.copy = copy;
            this.charge = charge;
        }

        int end() {
            return seq + buf.readableBytes();
        }
    }

    private final ShardResources resources;
    private final MemoryAccount account;
    private final int maxPieces;
    private final TreeMap<Integer, Piece> pieces = new TreeMap<>(SEQ_ORDER);
    /** Contiguous runs of pieces: left edge to right edge. */
    private final TreeMap<Integer, Integer> runs = new TreeMap<>(SEQ_ORDER);
    private int bytes;
    private long charged;
    /** Sequence number of the piece stored last, so its block is reported first (RFC 2018 §4). */
    private int latestSeq;
    private boolean hasLatest;

    ReassemblyQueue(ShardResources resources) {
        this(resources, DEFAULT_MAX_PIECES);
    }

    ReassemblyQueue(ShardResources resources, int maxPieces) {
        this(resources, resources.memory().open(null), maxPieces);
    }

    /** @param account the connection's share of the shard's memory, charged what the pieces pin */
    ReassemblyQueue(ShardResources resources, MemoryAccount account, int maxPieces) {
        this.resources = resources;
        this.account = account;
        this.maxPieces = maxPieces;
    }

    /** Data bytes held (what the receive window must leave room for). */
    int bytes() {
        return bytes;
    }

    /** Memory the held pieces pin, charged to the shard. */
    long chargedBytes() {
        return charged;
    }

    boolean isEmpty() {
        return pieces.isEmpty();
    }

    int pieces() {
        return pieces.size();
    }

    /**
     * Stores {@code buf} (ownership passes) at {@code seq}, keeping bytes already held where they overlap.
     * Returns false and releases it when storing would exceed {@code maxBytes} of data, twice that in
     * pinned memory (Linux's default split of a receive buffer between window and overhead), or the piece
     * bound; the counters say which.
     */
    boolean insert(int seq, ByteBuf buf, int maxBytes) {
        int end = seq + buf.readableBytes();
        long maxCharge = 2L * maxBytes;
        int cursor = seq;
        Map.Entry<Integer, Piece> below = pieces.floorEntry(seq);
        if (below != null && Seq.gt(below.getValue().end(), cursor)) {
            cursor = below.getValue().end();
        }
        int stored = 0;
        boolean refused = false;
        while (Seq.lt(cursor, end)) {
            Map.Entry<Integer, Piece> next = pieces.ceilingEntry(cursor);
            int nextStart = next != null && Seq.lt(next.getKey(), end) ? next.getKey() : end;
            if (nextStart == cursor) {
                cursor = next.getValue().end(); // already held: skip over the existing piece
                continue;
            }
            // A gap [cursor, nextStart) that the new data fills.
            int len = nextStart - cursor;
            if (bytes + len > maxBytes || !store(cursor, buf, buf.readerIndex() + (cursor - seq), len, maxCharge)) {
                refused = true;
                break;
            }
            stored += len;
            cursor = nextStart;
        }
        buf.release();
        if (stored > 0) {
            latestSeq = seq;
            hasLatest = true;
        }
        return !refused;
    }

    /** Stores {@code len} bytes of {@code src} from {@code index} at {@code seq}, a gap; false when over a bound. */
    private boolean store(int seq, ByteBuf src, int index, int len, long maxCharge) {
        Map.Entry<Integer, Piece> prevEntry = pieces.lowerEntry(seq);
        Piece prev = prevEntry == null ? null : prevEntry.getValue();
        int pinned = rootCapacity(src);
        boolean copy = len < COPY_BELOW || pinned > 2 * len;
        if (copy && prev != null && prev.copy && prev.end() == seq && appendTo(prev, src, index, len, maxCharge)) {
            bytes += len;
            addRun(seq, seq + len);
            return true;
        }
        if (pieces.size() >= maxPieces) {
            resources.counters().outOfOrderPieceLimitDrops++;
            return false;
        }
        ByteBuf data;
        int charge;
        if (copy) {
            if (charged + len + PIECE_OVERHEAD > maxCharge || !mayPin(len + PIECE_OVERHEAD)) {
                return false;
            }
            data = resources.alloc().buffer(len, Math.max(len, COALESCE_LIMIT)).writeBytes(src, index, len);
            charge = data.capacity() + PIECE_OVERHEAD;
        } else {
            charge = pinned + PIECE_OVERHEAD;
            if (charged + charge > maxCharge || !mayPin(charge)) {
                return false;
            }
            data = src.retainedSlice(index, len);
        }
        pieces.put(seq, new Piece(seq, data, copy, charge));
        bytes += len;
        charge(charge);
        addRun(seq, seq + len);
        return true;
    }

    /** Appends to a copied piece when its buffer may grow that far within the memory bound. */
    private boolean appendTo(Piece prev, ByteBuf src, int index, int len, long maxCharge) {
        ByteBuf buf = prev.buf;
        int need = buf.writerIndex() + len;
        if (need > buf.maxCapacity()) {
            return false;
        }
        int grownCapacity = need <= buf.capacity() ? buf.capacity()
                : buf.alloc().calculateNewCapacity(need, buf.maxCapacity());
        int growth = grownCapacity - buf.capacity();
        if (charged + growth > maxCharge || !account.mayReceive(growth)) { // refused: a new piece is tried, and counted
            return false;
        }
        buf.writeBytes(src, index, len);
        int delta = buf.capacity() + PIECE_OVERHEAD - prev.charge;
        prev.charge += delta;
        charge(delta);
        return true;
    }

    /** Capacity of the buffer a slice keeps alive. */
    private static int rootCapacity(ByteBuf buf) {
        ByteBuf root = buf;
        for (ByteBuf u = root.unwrap(); u != null; u = u.unwrap()) {
            root = u;
        }
        return root.capacity();
    }

    /** Whether the shard's memory lets this connection pin {@code more} (its fair share, ShardMemory). */
    private boolean mayPin(long more) {
        if (account.mayReceive(more)) {
            return true;
        }
        resources.counters().outOfOrderMemoryDrops++;
        return false;
    }

    private void charge(long delta) {
        charged += delta;
        account.receiveCharged(delta);
    }

    private void addRun(int left, int right) {
        Map.Entry<Integer, Integer> before = runs.lowerEntry(left);
        if (before != null && before.getValue().intValue() == left) {
            left = before.getKey();
        }
        Integer after = runs.remove(right);
        if (after != null) {
            right = after;
        }
        runs.put(left, right);
    }

    /** Sequence number where the first piece starts; only valid when not empty. */
    int firstSeq() {
        return pieces.firstKey();
    }

    /**
     * Removes and returns the first piece if it starts at or before {@code rcvNxt}, trimmed to start at
     * rcvNxt; pieces wholly before rcvNxt are released. Returns null when the first piece is beyond rcvNxt.
     */
    ByteBuf pollInOrder(int rcvNxt) {
        while (!pieces.isEmpty()) {
            Piece first = pieces.firstEntry().getValue();
            if (Seq.gt(first.seq, rcvNxt)) {
                return null;
            }
            pieces.pollFirstEntry();
            removeFromFirstRun(first.end());
            ByteBuf b = first.buf;
            int end = first.end();
            bytes -= b.readableBytes();
            charge(-first.charge);
            if (Seq.le(end, rcvNxt)) {
                b.release();
                continue;
            }
            b.skipBytes(rcvNxt - first.seq);
            return b;
        }
        return null;
    }

    /** The first piece, ending at {@code right}, left the queue: its run now starts there. */
    private void removeFromFirstRun(int right) {
        Map.Entry<Integer, Integer> run = runs.pollFirstEntry();
        if (run.getValue().intValue() != right) {
            runs.put(right, run.getValue());
        }
    }

    /**
     * Fills {@code edges} with up to {@code maxBlocks} SACK blocks (left, right pairs): the block holding the
     * most recently stored data first, then the others from the highest down. Returns the number of blocks.
     */
    int sackBlocks(int[] edges, int maxBlocks) {
        if (runs.isEmpty() || maxBlocks == 0) {
            return 0;
        }
        int n = 0;
        int firstLeft = 0;
        int firstRight = 0;
        if (hasLatest) {
            Map.Entry<Integer, Integer> run = runs.floorEntry(latestSeq);
            if (run != null && Seq.inWindow(latestSeq, run.getKey(), run.getValue())) {
                edges[0] = firstLeft = run.getKey();
                edges[1] = firstRight = run.getValue();
                n = 1;
            }
        }
        // Remaining blocks from the highest down.
        for (Map.Entry<Integer, Integer> run : runs.descendingMap().entrySet()) {
            if (n >= maxBlocks) {
                break;
            }
            int left = run.getKey();
            int right = run.getValue();
            if (!(n > 0 && left == firstLeft && right == firstRight)) {
                edges[2 * n] = left;
                edges[2 * n + 1] = right;
                n++;
            }
        }
        return n;
    }

    void releaseAll() {
        for (Piece p : pieces.values()) {
            p.buf.release();
        }
        pieces.clear();
        runs.clear();
        charge(-charged);
        bytes = 0;
        hasLatest = false;
    }
}
