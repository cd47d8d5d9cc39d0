package org.nbstack.netbios.server;

import java.util.concurrent.atomic.AtomicInteger;

/** A lock-free count of sessions (or connections waiting for their SESSION REQUEST) against a limit; 0 means no limit. */
final class SessionPermits {

    private final int limit;
    private final AtomicInteger used = new AtomicInteger();

    SessionPermits(int limit) {
        this.limit = limit;
    }

    boolean tryAcquire() {
        if (limit == 0) {
            used.incrementAndGet();
            return true;
        }
        while (true) {
            int now = used.get();
            if (now >= limit) {
                return false;
            }
            if (used.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    void release() {
        used.decrementAndGet();
    }

    int used() {
        return used.get();
    }
}
