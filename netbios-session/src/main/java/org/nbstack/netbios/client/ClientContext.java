package org.nbstack.netbios.client;

import java.util.concurrent.atomic.AtomicLong;
import org.nbstack.netbios.metrics.NetbiosMetrics;
import org.nbstack.netbios.session.SessionRegistry;

/** What the connections of one client share. */
record ClientContext(NetbiosClientSettings settings, NetbiosMetrics metrics, SessionRegistry sessions, AtomicLong sessionIds) {

    long nextSessionId() {
        return sessionIds.incrementAndGet();
    }
}
