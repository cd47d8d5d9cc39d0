package org.nbstack.tcp.ip;

/**
 * A token bucket for the ICMP messages a stack sends (RFC 1812 4.3.2.8, Linux icmp_msgs_per_sec): refilled at
 * {@code perSecond}, holding a burst of a twentieth of a second's worth (at least one).
 */
final class IcmpRateLimiter {
    private static final long SECOND = 1_000_000_000L;
    private final long perSecond;
    private final double burst;
    private double tokens;
    private long lastRefill = Long.MIN_VALUE;

    IcmpRateLimiter(int perSecond) {
        this.perSecond = perSecond;
        this.burst = Math.max(1, perSecond / 20);
        this.tokens = perSecond == 0 ? 0 : burst;
    }

    boolean tryAcquire(long now) {
        if (perSecond == 0) {
            return false;
        }
        if (lastRefill == Long.MIN_VALUE) {
            lastRefill = now;
        }
        long elapsed = now - lastRefill;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + (double) elapsed * perSecond / SECOND);
            lastRefill = now;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
