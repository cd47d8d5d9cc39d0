package org.nbstack.tcp.link;

import java.util.SplittableRandom;

/**
 * The fault and timing model of one direction of a link, the one both faulty links use: the deterministic
 * simulator's links (virtual time) and the {@code sim://} packet link (real time, on the event loops). Immutable;
 * change one property with the {@code with...} methods, starting from {@link #PERFECT}. Probabilities are per
 * packet, in [0, 1]. How a packet's arrival time follows from the model is {@link ArrivalOrder}'s one job.
 *
 * @param lossProbability a packet vanishes
 * @param duplicateProbability a packet arrives twice (the copy travels independently)
 * @param reorderProbability a packet gets an extra delay in (0, reorderDelayNanos], so later packets overtake it
 * @param reorderDelayNanos the largest extra delay of a reordered packet
 * @param corruptProbability one random bit of the packet flips, so the receiver's checksum drops it
 * @param delayNanos one-way propagation delay
 * @param jitterNanos extra delay drawn uniformly from [0, jitterNanos]; jitter alone never reorders,
 *     a packet waits for the one sent before it, as on a real FIFO path
 * @param bandwidthBytesPerSecond serialization rate, 0 for infinite (the simulator's links; a {@code sim://}
 *     link has no bandwidth limit)
 * @param queueLimitPackets packets that may wait for or be in serialization; more are dropped (drop-tail).
 *     Only used when bandwidth is limited
 * @param mtu largest packet in bytes that the link carries, 0 for no limit
 */
public record LinkFaults(double lossProbability, double duplicateProbability, double reorderProbability,
        long reorderDelayNanos, double corruptProbability, long delayNanos, long jitterNanos,
        long bandwidthBytesPerSecond, int queueLimitPackets, int mtu) {

    /** No faults, no delay, infinite bandwidth, Ethernet MTU. */
    public static final LinkFaults PERFECT = new LinkFaults(0, 0, 0, 10_000_000L, 0, 0, 0, 0, 1000, 1500);

    public LinkFaults {
        requireProbability("lossProbability", lossProbability);
        requireProbability("duplicateProbability", duplicateProbability);
        requireProbability("reorderProbability", reorderProbability);
        requireProbability("corruptProbability", corruptProbability);
        requireNonNegative("delayNanos", delayNanos);
        requireNonNegative("jitterNanos", jitterNanos);
        requireNonNegative("bandwidthBytesPerSecond", bandwidthBytesPerSecond);
        requireNonNegative("mtu", mtu);
        if (reorderDelayNanos < 1) {
            throw new IllegalArgumentException("reorderDelayNanos must be at least 1 ns, got " + reorderDelayNanos);
        }
        if (queueLimitPackets < 1) {
            throw new IllegalArgumentException("queueLimitPackets must be at least 1, got " + queueLimitPackets);
        }
        if (jitterNanos == Long.MAX_VALUE) {
            throw new IllegalArgumentException("jitterNanos must be below Long.MAX_VALUE");
        }
    }

    public LinkFaults withLoss(double probability) {
        return new LinkFaults(probability, duplicateProbability, reorderProbability, reorderDelayNanos,
                corruptProbability, delayNanos, jitterNanos, bandwidthBytesPerSecond, queueLimitPackets, mtu);
    }

    public LinkFaults withDuplication(double probability) {
        return new LinkFaults(lossProbability, probability, reorderProbability, reorderDelayNanos,
                corruptProbability, delayNanos, jitterNanos, bandwidthBytesPerSecond, queueLimitPackets, mtu);
    }

    public LinkFaults withReordering(double probability, long maxExtraDelayNanos) {
        return new LinkFaults(lossProbability, duplicateProbability, probability, maxExtraDelayNanos,
                corruptProbability, delayNanos, jitterNanos, bandwidthBytesPerSecond, queueLimitPackets, mtu);
    }

    public LinkFaults withCorruption(double probability) {
        return new LinkFaults(lossProbability, duplicateProbability, reorderProbability, reorderDelayNanos,
                probability, delayNanos, jitterNanos, bandwidthBytesPerSecond, queueLimitPackets, mtu);
    }

    public LinkFaults withDelay(long baseNanos, long jitter) {
        return new LinkFaults(lossProbability, duplicateProbability, reorderProbability, reorderDelayNanos,
                corruptProbability, baseNanos, jitter, bandwidthBytesPerSecond, queueLimitPackets, mtu);
    }

    public LinkFaults withBandwidth(long bytesPerSecond, int queueLimit) {
        return new LinkFaults(lossProbability, duplicateProbability, reorderProbability, reorderDelayNanos,
                corruptProbability, delayNanos, jitterNanos, bytesPerSecond, queueLimit, mtu);
    }

    public LinkFaults withMtu(int bytes) {
        return new LinkFaults(lossProbability, duplicateProbability, reorderProbability, reorderDelayNanos,
                corruptProbability, delayNanos, jitterNanos, bandwidthBytesPerSecond, queueLimitPackets, bytes);
    }

    /** One seeded draw of an event of probability {@code p}; draws nothing when {@code p} is 0. */
    public static boolean happens(SplittableRandom random, double p) {
        return p > 0 && random.nextDouble() < p;
    }

    private static void requireProbability(String name, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(name + " must be a probability in [0, 1], got " + p);
        }
    }

    private static void requireNonNegative(String name, long v) {
        if (v < 0) {
            throw new IllegalArgumentException(name + " must not be negative, got " + v);
        }
    }
}
