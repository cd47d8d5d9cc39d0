package org.nbstack.netbios.server;

import java.util.concurrent.atomic.AtomicLong;
import org.nbstack.netbios.metrics.NetbiosMetrics;
import org.nbstack.netbios.session.SessionRegistry;
import org.nbstack.netbios.session.SessionSettings;
import org.nbstack.spi.log.RateLimitedLog;

/**
 * What every connection of one server shares: read-only settings, lock-free registries and counts.
 *
 * @param pendingConnections connections accepted and still waiting for their SESSION REQUEST to be answered
 * @param pendingFullLog     the warning that a new connection was reset because too many were pending
 * @param pendingPerSource   the pending-connection places each remote address holds, at most max-pending-per-source
 * @param limitLog           the warning that a per-address or session limit turned a caller away
 */
record ServerContext(NetbiosServerSettings settings, SessionSettings sessionSettings, SessionEstablishment establishment,
        SessionRegistry sessions, NetbiosMetrics metrics, AtomicLong sessionIds, SessionPermits pendingConnections,
        RateLimitedLog pendingFullLog, SourceLimit pendingPerSource, RateLimitedLog limitLog) {

    long nextSessionId() {
        return sessionIds.incrementAndGet();
    }
}
