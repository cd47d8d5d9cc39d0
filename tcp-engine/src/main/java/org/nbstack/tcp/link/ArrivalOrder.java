package org.nbstack.tcp.link;

import java.util.SplittableRandom;

/**
 * When each packet of one link direction arrives, under {@link LinkFaults}: the one reorder semantics of every
 * faulty link. A packet arrives after the propagation delay plus its jitter, but never before the last packet that
 * was not reordered (a path is FIFO: jitter varies the delay without reordering). A reordered packet instead gets an
 * extra delay drawn from (0, reorderDelayNanos] and leaves the FIFO order, so the packets sent after it overtake it
 * by a varying amount, as on a path with parallel queues. Only an explicit reorder probability reorders: a test that
 * asks for jitter alone gets an in-order stream, and one that asks for reordering sees it at the rate it asked for.
 *
 * <p>Not thread-safe: the caller holds whatever guards the random generator it passes.
 */
public final class ArrivalOrder {
    /** Arrival time of the last packet that was not reordered: FIFO packets never arrive before it. */
    private long lastInOrderArrival = Long.MIN_VALUE;
    private long lastReorderDelay;

    /**
     * The arrival time of a packet whose last bit leaves at {@code departure}, drawing its jitter and whether it is
     * reordered from {@code random} (in that order, and only for the faults {@code faults} has).
     */
    public long arrival(long departure, LinkFaults faults, SplittableRandom random) {
        long arrival = departure + faults.delayNanos();
        if (faults.jitterNanos() > 0) {
            arrival += random.nextLong(faults.jitterNanos() + 1);
        }
        if (LinkFaults.happens(random, faults.reorderProbability())) {
            lastReorderDelay = 1 + random.nextLong(faults.reorderDelayNanos());
            return arrival + lastReorderDelay;
        }
        lastReorderDelay = 0;
        arrival = Math.max(arrival, lastInOrderArrival);
        lastInOrderArrival = arrival;
        return arrival;
    }

    /** The extra delay the last packet got for being reordered, 0 if it kept the FIFO order. */
    public long lastReorderDelay() {
        return lastReorderDelay;
    }
}
