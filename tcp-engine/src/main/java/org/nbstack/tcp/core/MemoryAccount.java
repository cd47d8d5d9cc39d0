package org.nbstack.tcp.core;

/**
 * What one connection holds of its shard's memory ({@link ShardMemory}): bytes of its send queue and memory
 * pinned by its out-of-order queue, with its reserve of each while it is open.
 */
final class MemoryAccount {
    private final ShardMemory pool;
    private final long number;
    private final Runnable pruneOutOfOrder;
    private long send;
    private long receive;
    private boolean open = true;

    MemoryAccount(ShardMemory pool, long number, Runnable pruneOutOfOrder) {
        this.pool = pool;
        this.number = number;
        this.pruneOutOfOrder = pruneOutOfOrder;
    }

    long number() {
        return number;
    }

    long usage() {
        return send + receive;
    }

    long receive() {
        return receive;
    }

    /** Bytes held beyond the reserves, taken from the shard's shared part. */
    long excess() {
        return Math.max(0, send - (open ? pool.minSend() : 0)) + Math.max(0, receive - (open ? pool.minReceive() : 0));
    }

    boolean canPrune() {
        return open && pruneOutOfOrder != null;
    }

    void prune() {
        pruneOutOfOrder.run();
    }

    /** Bytes the send queue may still grow by as far as the shard's memory goes. */
    long sendRoom() {
        long reserveRoom = open ? Math.max(0, pool.minSend() - send) : 0;
        return reserveRoom + pool.sharedRoomFor(this);
    }

    /** Whether the out-of-order queue may pin {@code more} bytes; it may prune other connections' queues. */
    boolean mayReceive(long more) {
        long reserve = open ? pool.minReceive() : 0;
        long beyondReserve = Math.max(0, receive + more - reserve) - Math.max(0, receive - reserve);
        return beyondReserve <= 0 || pool.grantShared(this, beyondReserve);
    }

    void sendCharged(long delta) {
        if (delta == 0) {
            return;
        }
        pool.beforeChange(this);
        send += delta;
        pool.afterChange(this);
    }

    void receiveCharged(long delta) {
        if (delta == 0) {
            return;
        }
        pool.beforeChange(this);
        receive += delta;
        pool.afterChange(this);
    }

    /** The connection can hold no more data (TIME_WAIT or CLOSED): its reserve returns to the shard. */
    void close() {
        if (!open) {
            return;
        }
        pool.beforeChange(this);
        open = false;
        pool.closed();
        pool.afterChange(this);
    }
}
