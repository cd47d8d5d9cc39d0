package org.nbstack.tcp.sim;

import java.util.Arrays;

/**
 * The virtual-time intervals [start, end) during which a link direction is a black hole. Checked against
 * the send time of each packet, so a partition drops exactly the packets sent inside it, whatever order
 * the events of that instant run in. Intervals that have ended are forgotten.
 */
final class PartitionSchedule {
    private long[] starts = new long[0];
    private long[] ends = new long[0];

    void add(long start, long end) {
        int n = starts.length;
        starts = Arrays.copyOf(starts, n + 1);
        ends = Arrays.copyOf(ends, n + 1);
        starts[n] = start;
        ends[n] = end;
    }

    boolean isEmpty() {
        return starts.length == 0;
    }

    /** True when {@code now} lies in an interval; also drops intervals that ended before {@code now}. */
    boolean blocks(long now) {
        boolean blocked = false;
        boolean expired = false;
        for (int i = 0; i < starts.length; i++) {
            if (ends[i] <= now) {
                expired = true;
            } else if (starts[i] <= now) {
                blocked = true;
            }
        }
        if (expired) {
            forgetEndedBefore(now);
        }
        return blocked;
    }

    private void forgetEndedBefore(long now) {
        int kept = 0;
        for (int i = 0; i < starts.length; i++) {
            if (ends[i] > now) {
                starts[kept] = starts[i];
                ends[kept] = ends[i];
                kept++;
            }
        }
        starts = Arrays.copyOf(starts, kept);
        ends = Arrays.copyOf(ends, kept);
    }
}
