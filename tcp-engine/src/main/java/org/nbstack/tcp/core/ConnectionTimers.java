package org.nbstack.tcp.core;

import java.util.Arrays;

/**
 * A connection's timers as absolute deadlines in one array, one slot per {@link Kind}; {@link #NEVER} when off.
 * The connection owns no clock: it arms deadlines here, its owner reads {@link #next()} and calls the connection
 * back when that time has come, and the connection asks {@link #expired} of each kind in the order it handles them.
 */
final class ConnectionTimers {
    static final long NEVER = Long.MAX_VALUE;

    /** The timers a connection runs, each with the RFC that defines it. */
    enum Kind {
        /** 2*MSL in TIME_WAIT (RFC 9293 §3.10.7.4). */
        TIME_WAIT,
        /** An orphan's bound on FIN_WAIT_2 (Linux tcp_fin_timeout). */
        FIN_WAIT_2,
        /** RACK's reordering window (RFC 8985 §6.3). */
        REORDER,
        /** The tail loss probe (RFC 8985 §7). */
        PROBE,
        /** Retransmission timeout (RFC 6298). */
        RETRANSMIT,
        /** Zero-window probing and the SWS override (RFC 9293 §3.8.6.1, RFC 1122 4.2.3.4). */
        PERSIST,
        /** Keepalive (RFC 1122 4.2.3.6). */
        KEEPALIVE,
        /** Delayed ACK (RFC 1122 4.2.3.2, RFC 5681 §4.2). */
        DELAYED_ACK
    }

    private static final Kind[] KINDS = Kind.values();

    private final long[] deadlines = new long[KINDS.length];

    ConnectionTimers() {
        Arrays.fill(deadlines, NEVER);
    }

    void arm(Kind kind, long deadline) {
        deadlines[kind.ordinal()] = deadline;
    }

    void stop(Kind kind) {
        deadlines[kind.ordinal()] = NEVER;
    }

    void stopAll() {
        Arrays.fill(deadlines, NEVER);
    }

    long deadline(Kind kind) {
        return deadlines[kind.ordinal()];
    }

    boolean isArmed(Kind kind) {
        return deadlines[kind.ordinal()] != NEVER;
    }

    /** Whether {@code kind} is due at {@code now}; a due timer is stopped, so its handler may arm it again. */
    boolean expired(Kind kind, long now) {
        if (deadlines[kind.ordinal()] > now) {
            return false;
        }
        deadlines[kind.ordinal()] = NEVER;
        return true;
    }

    /** The earliest deadline of all timers, or {@link #NEVER}. */
    long next() {
        long d = NEVER;
        for (long deadline : deadlines) {
            if (deadline < d) {
                d = deadline;
            }
        }
        return d;
    }

    /**
     * The timer netstat shows: "on" (retransmission), "probe" (persist), "keepalive", "timewait", or "off"
     * (Linux /proc/net/tcp's timer_active), with the retry count that goes with it.
     */
    ConnectionTimer netstatView(long now, int retransmits, int persistBackoff, int keepAliveProbes) {
        long timeWait = deadline(Kind.TIME_WAIT);
        if (timeWait != NEVER) return new ConnectionTimer("timewait", timeWait - now, 0);
        // Like Linux's /proc/net/tcp, the RACK reorder and loss probe timers show as the retransmission timer.
        long on = Math.min(deadline(Kind.RETRANSMIT), Math.min(deadline(Kind.REORDER), deadline(Kind.PROBE)));
        if (on != NEVER) return new ConnectionTimer("on", on - now, retransmits);
        long persist = deadline(Kind.PERSIST);
        if (persist != NEVER) return new ConnectionTimer("probe", persist - now, persistBackoff);
        long finWait2 = deadline(Kind.FIN_WAIT_2);
        if (finWait2 != NEVER) return new ConnectionTimer("timewait", finWait2 - now, 0);
        long keepAlive = deadline(Kind.KEEPALIVE);
        if (keepAlive != NEVER) return new ConnectionTimer("keepalive", keepAlive - now, keepAliveProbes);
        return new ConnectionTimer("off", 0, 0);
    }
}
