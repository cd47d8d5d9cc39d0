package org.nbstack.server.app;

import java.time.Duration;

/**
 * What a stop did: sessions that closed by themselves, sessions aborted (after the grace period, or at once when the
 * stop was forced), time taken.
 */
public record ShutdownReport(int closedGracefully, int aborted, Duration took, boolean forced) {

    public ShutdownReport(int closedGracefully, int aborted, Duration took) {
        this(closedGracefully, aborted, took, false);
    }

    /** {@code stopped: 2 sessions closed gracefully, 0 aborted, in 84ms}, or {@code stopped (forced): ...}. */
    public String summary() {
        return "stopped" + (forced ? " (forced)" : "") + ": " + Plural.count(closedGracefully, "session") + " closed gracefully, "
                + aborted + " aborted, in " + org.nbstack.server.admin.HumanDuration.format(took);
    }
}
