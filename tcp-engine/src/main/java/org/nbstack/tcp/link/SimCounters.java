package org.nbstack.tcp.link;

import java.util.concurrent.atomic.LongAdder;

/** What a {@code sim} link did to the packets it sent. */
public final class SimCounters {
    final LongAdder lost = new LongAdder();
    final LongAdder duplicated = new LongAdder();
    final LongAdder reordered = new LongAdder();
    final LongAdder corrupted = new LongAdder();
    final LongAdder tooBig = new LongAdder();
    final LongAdder blackholed = new LongAdder();

    public long lost() {
        return lost.sum();
    }

    public long duplicated() {
        return duplicated.sum();
    }

    public long reordered() {
        return reordered.sum();
    }

    public long corrupted() {
        return corrupted.sum();
    }

    public long tooBig() {
        return tooBig.sum();
    }

    /** Packets dropped because they came from or went to a blackholed address. */
    public long blackholed() {
        return blackholed.sum();
    }

    @Override
    public String toString() {
        return "lost " + lost() + ", duplicated " + duplicated() + ", reordered " + reordered() + ", corrupted "
                + corrupted() + ", over MTU " + tooBig() + ", blackholed " + blackholed();
    }
}
