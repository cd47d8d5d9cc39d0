package org.nbstack.server.logging;

/** The MDC keys nbstack sets on session threads: text logs show them in brackets, JSON logs as fields. */
public final class MdcKeys {

    /** The NetBIOS session id, once the session is established. */
    public static final String SESSION = "session";
    /** The peer's address and port. */
    public static final String REMOTE = "remote";
    /** The listener that accepted the connection. */
    public static final String LISTENER = "listener";

    private MdcKeys() {
    }
}
