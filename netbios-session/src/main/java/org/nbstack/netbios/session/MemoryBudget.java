package org.nbstack.netbios.session;

import java.util.concurrent.atomic.AtomicLong;

/** The payload octets one session may hold at once, inbound and outbound together. Lock-free. */
final class MemoryBudget {

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    MemoryBudget(long limit) {
        this.limit = limit;
    }

    /** Takes {@code octets} if they fit. */
    boolean tryReserve(long octets) {
        while (true) {
            long now = used.get();
            if (now + octets > limit) {
                return false;
            }
            if (used.compareAndSet(now, now + octets)) {
                return true;
            }
        }
    }

    /** Takes {@code octets} that have already arrived; reading stops while the budget is exhausted. */
    void forceReserve(long octets) {
        used.addAndGet(octets);
    }

    void release(long octets) {
        used.addAndGet(-octets);
    }

    boolean exhausted() {
        return used.get() >= limit;
    }

    long used() {
        return used.get();
    }
}
