package org.nbstack.tcp.core;

/**
 * The sender's record of SACKed ranges above SND.UNA (RFC 6675 §3 "scoreboard"): sorted, merged
 * [left, right) intervals, bounded in number. When full, the highest interval is forgotten, which only
 * makes the sender retransmit more, never less.
 */
final class SackScoreboard {
    static final int MAX_INTERVALS = 64;
    /** RFC 6675 §2 DupThresh. */
    static final int DUP_THRESH = 3;

    private static final int[] NONE = new int[0];

    // Allocated with the first SACK block: most connections never see one, and the pair costs 552 bytes.
    private int[] lefts = NONE;
    private int[] rights = NONE;
    private int count;
    private int sackedBytes;

    boolean isEmpty() {
        return count == 0;
    }

    int sackedBytes() {
        return sackedBytes;
    }

    int intervals() {
        return count;
    }

    int left(int i) {
        return lefts[i];
    }

    int right(int i) {
        return rights[i];
    }

    /** Highest SACKed sequence number (exclusive); only valid when not empty. */
    int highestSacked() {
        return rights[count - 1];
    }

    /** Records one SACK block, clipped to (una, sndMax]. Returns whether it added newly SACKed bytes. */
    boolean add(int left, int right, int una, int sndMax) {
        if (Seq.lt(left, una)) {
            left = una;
        }
        if (Seq.gt(right, sndMax)) {
            right = sndMax;
        }
        if (Seq.ge(left, right)) {
            return false;
        }
        if (lefts == NONE) {
            lefts = new int[MAX_INTERVALS + 1];
            rights = new int[MAX_INTERVALS + 1];
        }
        int before = sackedBytes;
        // Find insertion point: first interval whose right >= left.
        int i = 0;
        while (i < count && Seq.lt(rights[i], left)) {
            i++;
        }
        // Merge every interval overlapping or touching [left, right).
        int j = i;
        int newLeft = left;
        int newRight = right;
        while (j < count && Seq.le(lefts[j], newRight)) {
            newLeft = Seq.min(newLeft, lefts[j]);
            newRight = Seq.max(newRight, rights[j]);
            sackedBytes -= rights[j] - lefts[j];
            j++;
        }
        int removed = j - i;
        if (removed == 0) {
            System.arraycopy(lefts, i, lefts, i + 1, count - i);
            System.arraycopy(rights, i, rights, i + 1, count - i);
            count++;
        } else if (removed > 1) {
            System.arraycopy(lefts, j, lefts, i + 1, count - j);
            System.arraycopy(rights, j, rights, i + 1, count - j);
            count -= removed - 1;
        }
        lefts[i] = newLeft;
        rights[i] = newRight;
        sackedBytes += newRight - newLeft;
        if (count > MAX_INTERVALS) {
            count--;
            sackedBytes -= rights[count] - lefts[count];
        }
        return sackedBytes > before;
    }

    /** Forgets everything below the new cumulative acknowledgment. */
    void ackTo(int una) {
        int drop = 0;
        while (drop < count && Seq.le(rights[drop], una)) {
            sackedBytes -= rights[drop] - lefts[drop];
            drop++;
        }
        if (drop > 0) {
            System.arraycopy(lefts, drop, lefts, 0, count - drop);
            System.arraycopy(rights, drop, rights, 0, count - drop);
            count -= drop;
        }
        if (count > 0 && Seq.lt(lefts[0], una)) {
            sackedBytes -= una - lefts[0];
            lefts[0] = una;
        }
    }

    /** Whether the interval arrays exist yet (they are allocated with the first SACK block). */
    boolean holdsIntervals() {
        return lefts != NONE;
    }

    void clear() {
        count = 0;
        sackedBytes = 0;
    }

    boolean isSacked(int seq) {
        for (int i = 0; i < count; i++) {
            if (Seq.inWindow(seq, lefts[i], rights[i])) {
                return true;
            }
        }
        return false;
    }

    /** UnSACKed bytes in [from, to). */
    int unsackedBetween(int from, int to) {
        if (Seq.ge(from, to)) {
            return 0;
        }
        int total = to - from;
        for (int i = 0; i < count; i++) {
            int l = Seq.max(lefts[i], from);
            int r = Seq.min(rights[i], to);
            if (Seq.lt(l, r)) {
                total -= r - l;
            }
        }
        return total;
    }

    /**
     * First unSACKed sequence number at or after {@code from} and below {@code limit}, or {@code limit}
     * when there is none.
     */
    int nextUnsacked(int from, int limit) {
        int s = from;
        for (int i = 0; i < count && Seq.lt(s, limit); i++) {
            if (Seq.le(rights[i], s)) {
                continue;
            }
            if (Seq.gt(lefts[i], s)) {
                return s;
            }
            s = rights[i];
        }
        return Seq.lt(s, limit) ? s : limit;
    }

    /** End of the unSACKed run starting at {@code seq} (the next SACKed left edge, or {@code limit}). */
    int holeEnd(int seq, int limit) {
        for (int i = 0; i < count; i++) {
            if (Seq.gt(lefts[i], seq)) {
                return Seq.min(lefts[i], limit);
            }
        }
        return limit;
    }
}
