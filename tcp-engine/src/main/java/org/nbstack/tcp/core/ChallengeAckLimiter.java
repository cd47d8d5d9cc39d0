package org.nbstack.tcp.core;

/**
 * RFC 5961 §7: challenge ACKs are rate-limited, so an attacker cannot turn the engine into an ACK
 * amplifier. A token bucket refilled at {@code perSecond}, holding at most one second's worth.
 */
final class ChallengeAckLimiter {
    private static final long SECOND = 1_000_000_000L;
    private final long perSecond;
    private double tokens;
    private long lastRefill = Long.MIN_VALUE;

    ChallengeAckLimiter(int perSecond) {
        if (perSecond < 0) {
            throw new IllegalArgumentException("challenge ACK limit must be >= 0, got " + perSecond);
        }
        this.perSecond = perSecond;
        this.tokens = perSecond;
    }

    boolean tryAcquire(long now) {
        if (lastRefill == Long.MIN_VALUE) {
            lastRefill = now;
        }
        long elapsed = now - lastRefill;
        if (elapsed > 0) {
            tokens = Math.min(perSecond, tokens + (double) elapsed * perSecond / SECOND);
            lastRefill = now;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
