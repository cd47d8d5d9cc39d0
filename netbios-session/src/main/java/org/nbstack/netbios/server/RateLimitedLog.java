package org.nbstack.netbios.server;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A warning logged at most once per interval however often its cause repeats, saying how many were held back
 * since the last one, so that a flood of connections cannot flood the log too. Safe to call from any event loop.
 */
final class RateLimitedLog {

    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong nextNanos;
    private final AtomicLong heldBack = new AtomicLong();

    RateLimitedLog(Logger log, long intervalNanos) {
        this.log = log;
        this.intervalNanos = intervalNanos;
        this.nextNanos = new AtomicLong(System.nanoTime() - 1);
    }

    /** Logs {@code format} with {@code args} unless a line was logged less than one interval ago. */
    void warn(String format, Object... args) {
        long now = System.nanoTime();
        long next = nextNanos.get();
        if (now - next < 0 || !nextNanos.compareAndSet(next, now + intervalNanos)) {
            heldBack.incrementAndGet();
            return;
        }
        long held = heldBack.getAndSet(0);
        if (held == 0) {
            log.warn(format, args);
        } else {
            Object[] withCount = Arrays.copyOf(args, args.length + 1);
            withCount[args.length] = held;
            log.warn(format + " ({} more since the last report)", withCount);
        }
    }
}
