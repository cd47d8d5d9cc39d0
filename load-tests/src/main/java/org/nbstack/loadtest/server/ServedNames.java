package org.nbstack.loadtest.server;

import org.nbstack.netbios.name.NetbiosName;

/** The NetBIOS names a load-test server holds. */
public final class ServedNames {

    /** Sends every message back. */
    public static final NetbiosName ECHO = NetbiosName.server("ECHO");

    /**
     * Sends the first message back, then ends the session, so the server closes first and holds TIME_WAIT: the
     * situation of seed 000 (Q230307), met again by every reconnect from the same client port.
     */
    public static final NetbiosName ONE_SHOT = NetbiosName.server("ONESHOT");

    private ServedNames() {
    }
}
