package org.nbstack.tcp.netty;

import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The engine's port space, shared by all shards: which shard owns a local port (an active open's port),
 * or which listener does (a {@link ListenerRoute}). Inbound packets from the link are routed with one
 * array read; claims and releases are compare-and-set, so neither takes a lock.
 * Ports are engine-wide, as if every socket were bound to 0.0.0.0.
 */
final class PortTable {
    static final int EPHEMERAL_LOW = 32768;  // Linux ip_local_port_range
    static final int EPHEMERAL_HIGH = 60999;

    private final AtomicReferenceArray<Object> owners = new AtomicReferenceArray<>(65536);
    /** Seeded port choice for simulations that replay; null draws from ThreadLocalRandom. */
    private final SplittableRandom seeded;

    PortTable() {
        this(null);
    }

    /** @param seed where ephemeral port choices start from, for a replayable run; null for random */
    PortTable(Long seed) {
        this.seeded = seed == null ? null : new SplittableRandom(seed);
    }

    /** The owner of {@code port}: a {@link Shard}, a {@link ListenerRoute}, a bound channel, or null. */
    Object owner(int port) {
        return owners.get(port);
    }

    /** Claims {@code port} for {@code owner}; false when it is taken. */
    boolean claim(int port, Object owner) {
        return owners.compareAndSet(port, null, owner);
    }

    /** Claims a free ephemeral port, starting at a random offset (RFC 6056 §3.3.1); -1 when all are taken. */
    int claimEphemeral(Object owner) {
        int range = EPHEMERAL_HIGH - EPHEMERAL_LOW + 1;
        int start;
        if (seeded == null) {
            start = ThreadLocalRandom.current().nextInt(range);
        } else {
            synchronized (seeded) {
                start = seeded.nextInt(range);
            }
        }
        for (int i = 0; i < range; i++) {
            int port = EPHEMERAL_LOW + (start + i) % range;
            if (owners.get(port) == null && owners.compareAndSet(port, null, owner)) {
                return port;
            }
        }
        return -1;
    }

    /** Moves {@code port} from {@code from} to {@code to}. */
    boolean transfer(int port, Object from, Object to) {
        return owners.compareAndSet(port, from, to);
    }

    void release(int port, Object owner) {
        owners.compareAndSet(port, owner, null);
    }
}
