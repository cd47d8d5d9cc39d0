package org.nbstack.tcp.stack;

import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Logs each kind of warning at most once per interval, saying how many were held back meanwhile. Kinds
 * are a fixed, small set of names, so the table stays bounded whatever a flood of packets does.
 */
final class RateLimitedWarning {
    private final Logger log;
    private final long intervalNanos;
    private final Map<String, long[]> lastAndSuppressed = new HashMap<>();

    RateLimitedWarning(Logger log, long intervalNanos) {
        this.log = log;
        this.intervalNanos = intervalNanos;
    }

    void warn(long now, String kind, String message) {
        long[] state = lastAndSuppressed.computeIfAbsent(kind, k -> new long[] {Long.MIN_VALUE, 0});
        if (state[0] == Long.MIN_VALUE || now - state[0] >= intervalNanos) {
            log.warn(state[1] > 0 ? message + " (" + state[1] + " more since the last report)" : message);
            state[0] = now;
            state[1] = 0;
        } else {
            state[1]++;
        }
    }
}
