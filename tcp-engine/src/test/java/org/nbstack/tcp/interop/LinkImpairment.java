package org.nbstack.tcp.interop;

import java.util.SplittableRandom;

/**
 * What netem's {@code loss L% reorder R% delay D} does to each packet, applied by the test's own link
 * driver where the kernel has no sch_netem: a packet is lost with probability L; otherwise R of the
 * packets go out at once and the rest after D, so the prompt ones overtake the delayed ones.
 */
final class LinkImpairment {
    private final double loss;
    private final double reorder;
    private final long delayNanos;
    private final SplittableRandom random;

    LinkImpairment(double loss, double reorder, long delayNanos, long seed) {
        this.loss = loss;
        this.reorder = reorder;
        this.delayNanos = delayNanos;
        this.random = new SplittableRandom(seed);
    }

    /** -1 to drop the packet, else how long to hold it (0: send now). Called by one thread. */
    long decide() {
        if (random.nextDouble() < loss) {
            return -1;
        }
        return random.nextDouble() < reorder ? 0 : delayNanos;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "loss %.1f%% reorder %.1f%% delay %.1f ms", loss * 100,
                reorder * 100, delayNanos / 1e6);
    }
}
