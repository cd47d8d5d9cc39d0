package org.nbstack.tcp.core;

/**
 * Every data segment sent and not yet cumulatively acknowledged, in sequence order, with the time of its
 * latest transmission and whether it was retransmitted, SACKed or marked lost (RFC 8985 §5.2 per-segment
 * state). The entries cover [first start, last end) without gaps: each transmission of new data appends
 * one, a retransmission updates (and if need be splits) the ones it covers.
 *
 * <p>Bounded: at most {@link #MAX_ENTRIES} entries. When full, new data is merged into the last entry and
 * retransmissions mark whole entries instead of splitting them; both only make RACK see losses later (the
 * retransmission timer still repairs them), never sooner.
 */
final class SentSegmentLog {
    static final int MAX_ENTRIES = 1 << 15;
    private static final byte RETRANSMITTED = 1;
    private static final byte SACKED = 2;
    private static final byte LOST = 4;

    // A ring of parallel arrays, allocated on the first transmission (a handshake holds none).
    private int[] starts = new int[0];
    private int[] ends = new int[0];
    private long[] xmitTimes = new long[0];
    private byte[] flags = new byte[0];
    private int head;
    private int count;
    private int lostBytes;
    private int sackedSegments;

    int size() {
        return count;
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** Bytes in segments marked lost and not retransmitted since (RFC 6675 §4 pipe leaves them out). */
    int lostBytes() {
        return lostBytes;
    }

    /** Segments SACKed and not yet cumulatively acknowledged (RFC 8985 §6.2 RACK.segs_sacked). */
    int sackedSegments() {
        return sackedSegments;
    }

    int start(int i) {
        return starts[index(i)];
    }

    int end(int i) {
        return ends[index(i)];
    }

    long xmitTime(int i) {
        return xmitTimes[index(i)];
    }

    boolean retransmitted(int i) {
        return (flags[index(i)] & RETRANSMITTED) != 0;
    }

    boolean sacked(int i) {
        return (flags[index(i)] & SACKED) != 0;
    }

    boolean lost(int i) {
        return (flags[index(i)] & LOST) != 0;
    }

    /** Records the transmission of [start, end) at {@code now}: new data, a retransmission, or both. */
    void sent(int start, int end, long now) {
        if (Seq.ge(start, end)) {
            return;
        }
        int logEnd = count == 0 ? start : end(count - 1);
        if (Seq.lt(start, logEnd)) {
            retransmitted(start, Seq.min(end, logEnd), now);
            start = logEnd;
        }
        if (Seq.lt(start, end)) {
            append(start, end, now);
        }
    }

    private void append(int start, int end, long now) {
        if (count > 0 && start != end(count - 1)) {
            // Cannot happen (SND.NXT never skips bytes); if it did, forgetting the history only delays RACK.
            assert false : "gap in the sent segment log at " + Integer.toUnsignedString(end(count - 1));
            clear();
        }
        if (count == starts.length && !grow()) {
            int last = index(count - 1); // full: the newest entry takes the new bytes and time
            clearMarks(last);
            ends[last] = end;
            xmitTimes[last] = now;
            return;
        }
        int i = index(count++);
        starts[i] = start;
        ends[i] = end;
        xmitTimes[i] = now;
        flags[i] = 0;
    }

    private void retransmitted(int start, int end, long now) {
        int k = find(start);
        if (k < 0) {
            return;
        }
        if (start(k) != start && split(k, start)) {
            k++;
        }
        for (; k < count && Seq.lt(start(k), end); k++) {
            if (Seq.gt(end(k), end)) {
                split(k, end);
            }
            int i = index(k);
            if ((flags[i] & LOST) != 0) {
                lostBytes -= ends[i] - starts[i];
            }
            flags[i] = (byte) ((flags[i] & ~LOST) | RETRANSMITTED);
            xmitTimes[i] = now;
        }
    }

    /** Splits entry k at {@code seq} (inside it) into two with the same state; false when the log is full. */
    private boolean split(int k, int seq) {
        if (count == starts.length && !grow()) {
            return false;
        }
        // Move entries k+1.. one place up, then make k+1 the upper part of k.
        for (int m = count; m > k + 1; m--) {
            copy(index(m - 1), index(m));
        }
        count++;
        int lower = index(k);
        int upper = index(k + 1);
        copy(lower, upper);
        ends[lower] = seq;
        starts[upper] = seq;
        if ((flags[lower] & SACKED) != 0) {
            sackedSegments++;
        }
        return true;
    }

    private void copy(int from, int to) {
        starts[to] = starts[from];
        ends[to] = ends[from];
        xmitTimes[to] = xmitTimes[from];
        flags[to] = flags[from];
    }

    /**
     * Drops what {@code una} acknowledges cumulatively; every segment (or front part of one) not SACKed
     * before is reported to {@code rack} as delivered, in ascending sequence order.
     */
    void ackTo(int una, RackState rack) {
        while (count > 0 && Seq.lt(start(0), una)) {
            int i = index(0);
            boolean whole = Seq.le(ends[i], una);
            if ((flags[i] & SACKED) == 0) {
                rack.delivered(xmitTimes[i], whole ? ends[i] : una, (flags[i] & RETRANSMITTED) != 0);
            }
            if (!whole) {
                if ((flags[i] & LOST) != 0) {
                    lostBytes -= una - starts[i];
                }
                starts[i] = una;
                return;
            }
            clearMarks(i);
            head = (head + 1) & (starts.length - 1);
            count--;
        }
    }

    /**
     * After SACK information covering [left, right) was added to {@code scoreboard}: every entry there that
     * the scoreboard now covers entirely becomes SACKed and is reported to {@code rack} as delivered.
     */
    void sacked(int left, int right, SackScoreboard scoreboard, RackState rack) {
        int k = find(left);
        if (k < 0) {
            k = 0;
        }
        for (; k < count && Seq.lt(start(k), right); k++) {
            int i = index(k);
            if ((flags[i] & SACKED) != 0 || scoreboard.unsackedBetween(starts[i], ends[i]) != 0) {
                continue;
            }
            if ((flags[i] & LOST) != 0) {
                lostBytes -= ends[i] - starts[i];
            }
            flags[i] = (byte) ((flags[i] & ~LOST) | SACKED);
            sackedSegments++;
            rack.delivered(xmitTimes[i], ends[i], (flags[i] & RETRANSMITTED) != 0);
        }
    }

    /** Marks entry k lost (RFC 8985 §6.2 Segment.lost = TRUE): it waits for retransmission. */
    void markLost(int k) {
        int i = index(k);
        if ((flags[i] & (LOST | SACKED)) == 0) {
            flags[i] |= LOST;
            lostBytes += ends[i] - starts[i];
        }
    }

    /** Takes back a lost mark of entry k without a retransmission (the scoreboard holds it all SACKed). */
    void clearLost(int k) {
        int i = index(k);
        if ((flags[i] & LOST) != 0) {
            flags[i] &= ~LOST;
            lostBytes -= ends[i] - starts[i];
        }
    }

    /** Index of the first entry marked lost that starts below {@code limit}, or -1. */
    int firstLost(int limit) {
        if (lostBytes == 0) {
            return -1;
        }
        for (int k = 0; k < count && Seq.lt(start(k), limit); k++) {
            if (lost(k)) {
                return k;
            }
        }
        return -1;
    }

    /** Forgets SACKed and lost marks (RFC 2018 §8: after a timeout the receiver may have reneged). */
    void clearMarks() {
        for (int k = 0; k < count; k++) {
            clearMarks(index(k));
        }
    }

    private void clearMarks(int i) {
        if ((flags[i] & LOST) != 0) {
            lostBytes -= ends[i] - starts[i];
        }
        if ((flags[i] & SACKED) != 0) {
            sackedSegments--;
        }
        flags[i] &= RETRANSMITTED;
    }

    void clear() {
        head = 0;
        count = 0;
        lostBytes = 0;
        sackedSegments = 0;
    }

    /** Index (from the oldest) of the entry holding {@code seq}, or -1 when no entry does. */
    int find(int seq) {
        if (count == 0 || Seq.lt(seq, start(0)) || Seq.ge(seq, end(count - 1))) {
            return -1;
        }
        int lo = 0;
        int hi = count - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (Seq.le(start(mid), seq)) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private int index(int k) {
        return (head + k) & (starts.length - 1);
    }

    private boolean grow() {
        if (starts.length >= MAX_ENTRIES) {
            return false;
        }
        int size = Math.max(16, starts.length * 2); // a power of two: indexes wrap with a mask
        int[] ns = new int[size];
        int[] ne = new int[size];
        long[] nx = new long[size];
        byte[] nf = new byte[size];
        for (int k = 0; k < count; k++) {
            int i = index(k);
            ns[k] = starts[i];
            ne[k] = ends[i];
            nx[k] = xmitTimes[i];
            nf[k] = flags[i];
        }
        starts = ns;
        ends = ne;
        xmitTimes = nx;
        flags = nf;
        head = 0;
        return true;
    }
}
