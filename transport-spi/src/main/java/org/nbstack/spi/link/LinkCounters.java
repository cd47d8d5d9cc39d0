package org.nbstack.spi.link;

import java.util.concurrent.atomic.LongAdder;

/**
 * A link's traffic and drops. LongAdders because several event loops send on one link at once; adding is
 * contention-free and reading is for metrics only.
 */
public final class LinkCounters {
    private final LongAdder packetsOut = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder packetsIn = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder drops = new LongAdder();

    public void sent(int bytes) {
        packetsOut.increment();
        bytesOut.add(bytes);
    }

    public void received(int bytes) {
        packetsIn.increment();
        bytesIn.add(bytes);
    }

    public void dropped() {
        drops.increment();
    }

    public long packetsOut() {
        return packetsOut.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    public long packetsIn() {
        return packetsIn.sum();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long drops() {
        return drops.sum();
    }

    @Override
    public String toString() {
        return "out " + packetsOut() + " pkts/" + bytesOut() + " B, in " + packetsIn() + " pkts/" + bytesIn()
                + " B, dropped " + drops();
    }
}
