package org.nbstack.tcp.link;

import java.util.Set;

/**
 * The faults a {@code sim} link injects on every packet it sends, from its URI query, e.g.
 * {@code sim://net1?loss=0.02&reorder=0.02&delay=1ms&seed=7}.
 *
 * @param loss         probability a packet is dropped
 * @param duplicate    probability a packet is delivered twice
 * @param reorder      probability a packet is held back by {@code reorderDelayNanos}, so later ones overtake it
 * @param corrupt      probability one bit of a packet is flipped (the receiver's checksum drops it)
 * @param delayNanos   one-way delay of every packet
 * @param jitterNanos  extra uniform random delay in [0, jitter)
 * @param reorderDelayNanos how long a reordered packet is held back (default 1 ms)
 * @param mtu          largest packet carried; bigger ones are dropped
 * @param seed         seed of the fault sequence
 */
public record SimConditions(double loss, double duplicate, double reorder, double corrupt, long delayNanos,
        long jitterNanos, long reorderDelayNanos, int mtu, long seed) {

    static final Set<String> KEYS = Set.of("loss", "dup", "reorder", "corrupt", "delay", "jitter", "reorderDelay",
            "mtu", "seed");
    private static final long DEFAULT_REORDER_DELAY_NANOS = 1_000_000L;

    static SimConditions from(LinkUri uri) {
        long reorderDelay = uri.params.containsKey("reorderDelay") ? uri.durationNanos("reorderDelay")
                : DEFAULT_REORDER_DELAY_NANOS;
        return new SimConditions(uri.probability("loss"), uri.probability("dup"), uri.probability("reorder"),
                uri.probability("corrupt"), uri.durationNanos("delay"), uri.durationNanos("jitter"), reorderDelay,
                uri.intParam("mtu", MemLink.DEFAULT_MTU, 68, MemLink.DEFAULT_MTU), uri.longParam("seed", 1));
    }
}
