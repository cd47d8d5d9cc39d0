package org.nbstack.tcp.core;

import io.netty.buffer.ByteBufAllocator;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * What the connections of one shard share: the buffer allocator, the event counters, the budget of
 * challenge ACKs (RFC 5961 §7) and the account of bytes the shard holds in send and reassembly queues
 * against its memory limit. Used from the shard's thread only.
 */
public final class ShardResources {
    private final ByteBufAllocator alloc;
    private final TcpCounters counters;
    private final ChallengeAckLimiter challengeAcks;
    private final long memoryLimit;
    private long bufferedBytes;

    /**
     * @param challengeAcksPerSecond challenge ACKs the shard may send per second (Linux: 1000)
     * @param memoryLimit            bytes the shard may hold in send and reassembly queues; beyond it,
     *                               writers see no send space and out-of-order data is not stored
     */
    public ShardResources(ByteBufAllocator alloc, TcpCounters counters, int challengeAcksPerSecond, long memoryLimit) {
        this(alloc, counters, challengeAcksPerSecond, memoryLimit, new SplittableRandom());
    }

    /** @param random draws the randomised challenge-ACK budget (RFC 5961 §10); seeded in simulations */
    public ShardResources(ByteBufAllocator alloc, TcpCounters counters, int challengeAcksPerSecond, long memoryLimit,
            RandomGenerator random) {
        this.alloc = alloc;
        this.counters = counters;
        this.challengeAcks = new ChallengeAckLimiter(challengeAcksPerSecond, random);
        this.memoryLimit = memoryLimit;
    }

    /** Unlimited memory and Linux's challenge-ACK limit: for tests and tools. */
    public static ShardResources of(ByteBufAllocator alloc, TcpCounters counters) {
        return new ShardResources(alloc, counters, 1000, Long.MAX_VALUE, new SplittableRandom(1));
    }

    public ByteBufAllocator alloc() {
        return alloc;
    }

    public TcpCounters counters() {
        return counters;
    }

    public long bufferedBytes() {
        return bufferedBytes;
    }

    public long memoryLimit() {
        return memoryLimit;
    }

    public boolean overMemoryLimit() {
        return bufferedBytes >= memoryLimit;
    }

    void buffered(long delta) {
        bufferedBytes += delta;
    }

    /** Whether a challenge ACK may go out now; counts the ones held back. */
    boolean allowChallengeAck(long now) {
        if (challengeAcks.tryAcquire(now)) {
            counters.challengeAcks++;
            return true;
        }
        counters.challengeAcksSuppressed++;
        return false;
    }
}
