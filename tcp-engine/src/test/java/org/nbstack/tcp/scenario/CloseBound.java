package org.nbstack.tcp.scenario;

import org.nbstack.tcp.core.TcpConfig;

/**
 * How long after the application's last action a connection may take to reach CLOSED, derived from its
 * configuration alone: the sum of every timer that can still run, each at its worst. Whatever a peer does
 * (vanish in any state, stop reading, close its window for ever), one of these ends the connection:
 *
 * <ul>
 *   <li>H = (max(synRetries, synAckRetries) + 1) x rtoMax: a handshake that gets no answer gives up;
 *   <li>D = (dataRetries + 1) x rtoMax: unacknowledged data or unanswered zero-window probes give up
 *       (RFC 1122 4.2.3.5, 4.2.2.17);
 *   <li>Q = ceil(sendBuffer / 48) x rtoMax, the largest over both ends: what an application left queued drains at
 *       one segment of the smallest MSS the engine accepts (48) per rtoMax, the slowest a live but hostile receiver
 *       holds it with a window that is zero or at least 48 bytes (a window of a few bytes for ever would let it drip
 *       out a byte per RTO; the simulation leaves that out and says so), and the connection ends only after both
 *       ends drained;
 *   <li>O = (orphanRetries + 1) x rtoMax: a closed connection's FIN or window probes give up;
 *   <li>K = idle + (count + 1) x interval when keepalive is on: an idle connection whose peer vanished is found;
 *   <li>F2 = finWait2Timeout: an orphan in FIN_WAIT_2 is dropped;
 *   <li>TW = timeWait: TIME_WAIT ends;
 *   <li>plus 1 s for the last packet's flight and timer rounding.
 * </ul>
 * A connection that outlives this bound holds memory, a port and a table entry for ever: the seed bug class
 * of unbounded persist timers, FIN_WAIT_2 orphans without timeout and keepalive that never fires.
 */
record CloseBound(long nanos, String derivation) {
    /** The smallest peer MSS the engine accepts (the floor Linux also uses). */
    static final int MSS_FLOOR = 48;
    private static final long SEC = 1_000_000_000L;

    static CloseBound of(TcpConfig c) {
        return of(c, java.util.List.of(c));
    }

    /** The bound of a connection with settings {@code c} whose peers (each end drains before it closes) are {@code ends}. */
    static CloseBound of(TcpConfig c, java.util.List<TcpConfig> ends) {
        long rto = c.rtoMaxNanos();
        long h = (Math.max(c.synRetries(), c.synAckRetries()) + 1L) * rto;
        long d = (c.dataRetries() + 1L) * rto;
        long q = 0;
        for (TcpConfig end : ends) {
            q = Math.max(q, ((end.sendBuffer() + MSS_FLOOR - 1L) / MSS_FLOOR) * end.rtoMaxNanos());
        }
        long o = (c.orphanRetries() + 1L) * rto;
        long k = c.keepAlive() ? c.keepAliveIdleNanos() + (c.keepAliveCount() + 1L) * c.keepAliveIntervalNanos() : 0;
        long f2 = c.finWait2TimeoutNanos();
        long tw = c.timeWaitNanos();
        long total = h + d + q + o + k + f2 + tw + SEC;
        String derivation = String.format("H %s + D %s + Q %s + O %s + K %s + F2 %s + TW %s + 1 s = %s"
                + " (rtoMax %s, retries syn %d synack %d data %d orphan %d, sendBuffer %d, keepalive %s)",
                s(h), s(d), s(q), s(o), s(k), s(f2), s(tw), s(total), s(rto), c.synRetries(), c.synAckRetries(),
                c.dataRetries(), c.orphanRetries(), c.sendBuffer(),
                c.keepAlive() ? s(c.keepAliveIdleNanos()) + "+" + c.keepAliveCount() + "x" + s(c.keepAliveIntervalNanos())
                        : "off");
        return new CloseBound(total, derivation);
    }

    static String s(long nanos) {
        return String.format("%.3f s", nanos / 1e9);
    }
}
