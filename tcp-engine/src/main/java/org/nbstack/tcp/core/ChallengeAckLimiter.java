package org.nbstack.tcp.core;

import java.util.random.RandomGenerator;

/**
 * RFC 5961 §7 and §10: the shard-wide budget of challenge ACKs. A fixed budget is a side channel
 * (CVE-2016-5696): an off-path attacker who exhausts it and counts the challenge ACKs he still gets learns
 * whether his guess hit a connection. So, as Linux does since that fix, the budget of each one-second
 * interval is drawn at random from [limit/2, limit/2 + limit), and each connection is first limited on its
 * own ({@link InvalidAckLimiter}).
 */
final class ChallengeAckLimiter {
    private static final long SECOND = 1_000_000_000L;
    private final int limit;
    private final RandomGenerator random;
    private long interval = Long.MIN_VALUE;
    private int budget;

    ChallengeAckLimiter(int limit, RandomGenerator random) {
        if (limit < 0) {
            throw new IllegalArgumentException("challenge ACK limit must be >= 0, got " + limit);
        }
        this.limit = limit;
        this.random = random;
    }

    boolean tryAcquire(long now) {
        long current = Math.floorDiv(now, SECOND);
        if (current != interval) {
            interval = current;
            budget = limit == 0 ? 0 : (limit + 1) / 2 + random.nextInt(limit);
        }
        if (budget > 0) {
            budget--;
            return true;
        }
        return false;
    }
}
