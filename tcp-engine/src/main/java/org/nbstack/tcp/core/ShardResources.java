package org.nbstack.tcp.core;

import io.netty.buffer.ByteBufAllocator;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.nbstack.tcp.wire.TcpOptions;

/**
 * What the connections of one shard share: the buffer allocator, the event counters, the budget of
 * challenge ACKs (RFC 5961 §7) and the account of bytes the shard holds in send and reassembly queues
 * against its memory limit. Used from the shard's thread only.
 */
public final class ShardResources {
    private final ByteBufAllocator alloc;
    private final TcpCounters counters;
    private final ChallengeAckLimiter challengeAcks;
    private final ShardMemory memory;
    // Scratch space for building one ACK's SACK option (RFC 2018 §3, at most 4 blocks): used within one call on the
    // shard's thread and copied out, so one pair serves every connection instead of 96 bytes in each.
    private final int[] sackScratch = new int[2 * TcpOptions.MAX_SACK_BLOCKS];
    private final int[] sackEdges = new int[2 * TcpOptions.MAX_SACK_BLOCKS];

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
        this(alloc, counters, challengeAcksPerSecond, memoryLimit, 0, 0, random);
    }

    /**
     * @param minReceiveMemory out-of-order bytes each connection may hold however full the shard is
     * @param minSendMemory    send bytes each connection may queue however full the shard is
     * @see ShardMemory
     */
    public ShardResources(ByteBufAllocator alloc, TcpCounters counters, int challengeAcksPerSecond, long memoryLimit,
            int minReceiveMemory, int minSendMemory, RandomGenerator random) {
        this.alloc = alloc;
        this.counters = counters;
        this.challengeAcks = new ChallengeAckLimiter(challengeAcksPerSecond, random);
        this.memory = new ShardMemory(memoryLimit, minReceiveMemory, minSendMemory, counters);
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
        return memory.used();
    }

    public long memoryLimit() {
        return memory.limit();
    }

    public boolean overMemoryLimit() {
        return memory.used() >= memory.limit();
    }

    int[] sackScratch() {
        return sackScratch;
    }

    int[] sackEdges() {
        return sackEdges;
    }

    /** The shard's memory and how it is shared between connections. */
    public ShardMemory memory() {
        return memory;
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
