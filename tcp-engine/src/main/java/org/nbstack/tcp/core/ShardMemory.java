package org.nbstack.tcp.core;

import java.util.Comparator;
import java.util.TreeSet;

/**
 * The shard's memory for send and out-of-order queues, shared fairly between its connections (seed 004 class:
 * one connection must not starve the others). The limit includes a reserve per connection: each open connection
 * may always hold {@code minReceive} bytes of out-of-order data and {@code minSend} bytes of unacknowledged send
 * data (Linux's tcp_rmem[0] / tcp_wmem[0], guaranteed there under memory pressure too). What connections hold
 * beyond their reserves comes from the shared part, {@code limit - connections x (minReceive + minSend)}; a new
 * connection is admitted only while its reserve fits in what is left, so the total never exceeds the limit.
 *
 * <p>Once the shared part is {@link #PRESSURE_NUMERATOR}/{@link #PRESSURE_DENOMINATOR} used (Linux's
 * tcp_under_memory_pressure), a connection holding more than its fair share ({@code limit / connections}) gets
 * nothing more from it: its writers see no send space and its out-of-order data is dropped. A connection below
 * its fair share may still grow to that share; when the shared part is used up, the out-of-order queues of the
 * connections above their share are pruned, largest holder first (Linux's tcp_prune_ofo_queue; RFC 2018 §8 lets a
 * receiver discard data it has SACKed: it just stops reporting those blocks). Data queued for sending is never
 * dropped: accepted data is not lost.
 *
 * <p>Used from the shard's thread only.
 */
public final class ShardMemory {
    /** The shared part counts as under pressure from three quarters on. */
    static final int PRESSURE_NUMERATOR = 3;
    static final int PRESSURE_DENOMINATOR = 4;

    /** Largest holder first; the account number breaks ties so that distinct accounts never compare equal. */
    private static final Comparator<MemoryAccount> LARGEST_FIRST =
            Comparator.comparingLong(MemoryAccount::usage).reversed().thenComparingLong(MemoryAccount::number);

    private final long limit;
    private final int minReceive;
    private final int minSend;
    private final TcpCounters counters;
    /** Accounts that hold out-of-order data and can be pruned. */
    private final TreeSet<MemoryAccount> prunable = new TreeSet<>(LARGEST_FIRST);
    private long used;
    private long sharedUsed;
    private int openAccounts;
    private long nextNumber;

    /**
     * @param limit      bytes all send and out-of-order queues of the shard may hold, reserves included
     * @param minReceive out-of-order bytes every connection may hold whatever the others hold
     * @param minSend    unacknowledged send bytes every connection may hold whatever the others hold
     */
    public ShardMemory(long limit, int minReceive, int minSend, TcpCounters counters) {
        if (limit < 1 || minReceive < 0 || minSend < 0 || (long) minReceive + minSend > limit) {
            throw new IllegalArgumentException("shard memory limit " + limit + " must hold at least one connection's"
                    + " minimums (receive " + minReceive + " + send " + minSend + " bytes)");
        }
        this.limit = limit;
        this.minReceive = minReceive;
        this.minSend = minSend;
        this.counters = counters;
    }

    /** A connection's account, holding its reserve until {@link MemoryAccount#close()}. */
    MemoryAccount open(Runnable pruneOutOfOrder) {
        openAccounts++;
        return new MemoryAccount(this, nextNumber++, pruneOutOfOrder);
    }

    public long limit() {
        return limit;
    }

    /** Bytes held in all queues of the shard. */
    public long used() {
        return used;
    }

    /** Bytes set aside for the reserves of the open connections. */
    public long reserved() {
        return (long) openAccounts * reservePerConnection();
    }

    /** Bytes held beyond the connections' reserves. */
    public long sharedUsed() {
        return sharedUsed;
    }

    public int openAccounts() {
        return openAccounts;
    }

    long reservePerConnection() {
        return (long) minReceive + minSend;
    }

    int minReceive() {
        return minReceive;
    }

    int minSend() {
        return minSend;
    }

    /**
     * Whether one more connection's reserve fits. When it does not, the out-of-order queues of connections above
     * their fair share are pruned first, so data nobody has acknowledged does not keep new connections out.
     */
    public boolean admitsConnection() {
        long need = reservePerConnection();
        if (fitsNewReserve(need)) {
            return true;
        }
        while (!fitsNewReserve(need) && pruneLargest(null, fairShare(openAccounts + 1))) {
            // pruned one queue; check again
        }
        return fitsNewReserve(need);
    }

    private boolean fitsNewReserve(long need) {
        return used < limit && sharedUsed + reserved() + need <= limit;
    }

    private long sharedCapacity() {
        return Math.max(0, limit - reserved());
    }

    /**
     * What the open connections may grow into: the shared part less one more connection's reserve, so that a
     * connection holding the rest (a writer whose peer vanished keeps its queue until it times out) cannot keep the
     * next connection out; that one is admitted and grows within its fair share.
     */
    private long growthCapacity() {
        return Math.max(0, sharedCapacity() - reservePerConnection());
    }

    private long pressurePoint() {
        return Math.min(sharedCapacity() / PRESSURE_DENOMINATOR * PRESSURE_NUMERATOR, growthCapacity());
    }

    private long fairShare(int connections) {
        return limit / Math.max(1, connections);
    }

    /** Whether {@code account} may take {@code more} bytes of the shared part (pruning others if it is due them). */
    boolean grantShared(MemoryAccount account, long more) {
        if (sharedUsed + more <= pressurePoint()) {
            return true;
        }
        long fair = fairShare(openAccounts);
        if (account.usage() + more > fair) {
            return false; // under pressure: a connection above its fair share gets nothing more
        }
        while (sharedUsed + more > growthCapacity() && pruneLargest(account, fair)) {
            // pruned one queue; check again
        }
        return sharedUsed + more <= growthCapacity();
    }

    /**
     * Bytes of the shared part {@code account} may still take for sending. Under pressure, when less is left than
     * a connection below its fair share may still take, the connections above their share are pruned first.
     */
    long sharedRoomFor(MemoryAccount account) {
        long fair = fairShare(openAccounts);
        long fairRoom = fair - account.usage();
        while (fairRoom > 0 && sharedUsed >= pressurePoint() && growthCapacity() - sharedUsed < fairRoom
                && pruneLargest(account, fair)) {
            // pruned one queue; check again
        }
        long allowed = Math.max(pressurePoint() - sharedUsed, fairRoom);
        return Math.max(0, Math.min(allowed, growthCapacity() - sharedUsed));
    }

    /** Prunes the out-of-order queue of the largest holder above {@code fair}, not {@code requester}'s own. */
    private boolean pruneLargest(MemoryAccount requester, long fair) {
        for (MemoryAccount victim : prunable) {
            if (victim.usage() <= fair) {
                return false; // ordered largest first: nobody else is above the fair share
            }
            if (victim != requester) {
                counters.outOfOrderPruned++;
                counters.outOfOrderPrunedBytes += victim.receive();
                victim.prune();
                return true;
            }
        }
        return false;
    }

    /** Applies a change of one account's holdings; called by the account before and after it changes. */
    void beforeChange(MemoryAccount account) {
        if (account.receive() > 0) {
            prunable.remove(account);
        }
        sharedUsed -= account.excess();
        used -= account.usage();
    }

    void afterChange(MemoryAccount account) {
        used += account.usage();
        sharedUsed += account.excess();
        if (account.receive() > 0 && account.canPrune()) {
            prunable.add(account);
        }
    }

    void closed() {
        openAccounts--;
    }
}
