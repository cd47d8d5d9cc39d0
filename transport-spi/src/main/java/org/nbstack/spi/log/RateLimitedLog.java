package org.nbstack.spi.log;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * One warning logged at most once per interval however often its cause repeats, saying how many were held back
 * since the last one, so that a flood of packets or connections cannot flood the log too. One instance per kind of
 * warning; its state is two numbers, so it stays bounded whatever a peer does. Safe to call from any thread.
 *
 * <p>The time is the caller's: the engine passes its own clock (virtual time in the simulator), everything else
 * uses {@link #warn(String, Object...)} with {@link System#nanoTime()}.
 */
public final class RateLimitedLog {

    private static final long NEVER = Long.MIN_VALUE;

    private final Logger log;
    private final long intervalNanos;
    /** When the next line may be logged; {@link #NEVER} until the first one. */
    private final AtomicLong nextNanos = new AtomicLong(NEVER);
    private final AtomicLong heldBack = new AtomicLong();

    public RateLimitedLog(Logger log, Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        this.log = log;
        this.intervalNanos = interval.toNanos();
    }

    /** Logs {@code format} (SLF4J placeholders) with {@code args} unless a line was logged less than one interval ago. */
    public void warn(String format, Object... args) {
        warn(System.nanoTime(), format, args);
    }

    /** Like {@link #warn(String, Object...)} at the caller's time {@code nowNanos} (any origin, compared by difference). */
    public void warn(long nowNanos, String format, Object... args) {
        long next = nextNanos.get();
        boolean due = next == NEVER || nowNanos - next >= 0;
        if (!due || !nextNanos.compareAndSet(next, nowNanos + intervalNanos)) {
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
