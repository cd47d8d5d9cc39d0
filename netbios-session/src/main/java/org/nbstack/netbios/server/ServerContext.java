package org.nbstack.netbios.server;

import java.util.concurrent.atomic.AtomicLong;
import org.nbstack.netbios.metrics.NetbiosMetrics;
import org.nbstack.netbios.session.SessionRegistry;
import org.nbstack.netbios.session.SessionSettings;

/** What every connection of one server shares: read-only settings and lock-free registries. */
record ServerContext(NetbiosServerSettings settings, SessionSettings sessionSettings, SessionEstablishment establishment,
        SessionRegistry sessions, NetbiosMetrics metrics, AtomicLong sessionIds) {

    long nextSessionId() {
        return sessionIds.incrementAndGet();
    }
}
