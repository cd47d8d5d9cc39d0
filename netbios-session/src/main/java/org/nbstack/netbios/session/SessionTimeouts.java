package org.nbstack.netbios.session;

import java.time.Duration;
import java.util.Objects;

/**
 * The timers of an established session; {@link Duration#ZERO} turns one off.
 *
 * @param keepAliveInterval send a KEEP ALIVE after this long without sending anything (RFC 1002 §4.3.7); abort the
 *                          session when TCP has not taken that KEEP ALIVE one more interval later
 * @param idleTimeout       close after this long without a SESSION MESSAGE in either direction
 * @param writeStallTimeout abort when queued data has made no progress for this long
 */
public record SessionTimeouts(Duration keepAliveInterval, Duration idleTimeout, Duration writeStallTimeout) {

    public SessionTimeouts {
        notNegative("keep-alive-interval", keepAliveInterval);
        notNegative("idle-timeout", idleTimeout);
        notNegative("write-stall-timeout", writeStallTimeout);
    }

    /** How often the session checks its timers: a quarter of the shortest one, within 5 ms .. 1 s. */
    public Duration tick() {
        long shortest = Long.MAX_VALUE;
        for (Duration d : new Duration[] {keepAliveInterval, idleTimeout, writeStallTimeout}) {
            if (!d.isZero()) {
                shortest = Math.min(shortest, d.toMillis());
            }
        }
        if (shortest == Long.MAX_VALUE) {
            return Duration.ZERO;
        }
        return Duration.ofMillis(Math.max(5, Math.min(1000, shortest / 4)));
    }

    private static void notNegative(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must be 0 (off) or positive, was " + value);
        }
    }
}
