package org.nbstack.tcp.wire;

import java.util.concurrent.atomic.AtomicLongArray;

/** Dropped-packet counts by {@link DropReason}; written by one event loop, readable from any thread. */
public final class DropCounters {
    private final AtomicLongArray counts = new AtomicLongArray(DropReason.values().length);

    public void increment(DropReason reason) {
        counts.incrementAndGet(reason.ordinal());
    }

    public long get(DropReason reason) {
        return counts.get(reason.ordinal());
    }

    public long total() {
        long sum = 0;
        for (int i = 0; i < counts.length(); i++) {
            sum += counts.get(i);
        }
        return sum;
    }
}
