package org.nbstack.netbios.session;

import java.util.Locale;

/** Why a session ended; a low-cardinality metric tag. */
public enum SessionCloseReason {
    /** The peer closed the connection. */
    PEER_CLOSED,
    /** This side closed it through {@link NetbiosSession#close()}, or the handler's publisher completed. */
    LOCAL_CLOSE,
    /** Aborted through {@link NetbiosSession#abort()} or because the handler failed. */
    LOCAL_ABORT,
    /** Queued data made no progress for the write-stall timeout: the peer stopped reading or vanished. */
    WRITE_STALL,
    /** A KEEP ALIVE could not be written, or waited a whole keep-alive interval for the peer to take it. */
    KEEPALIVE_FAILED,
    /** No SESSION MESSAGE either way for the idle session timeout. */
    IDLE,
    /** The outbound queue was full and the policy is {@link OverflowPolicy#CLOSE_SESSION}. */
    QUEUE_OVERFLOW,
    /** The peer broke the protocol. */
    PROTOCOL_ERROR,
    /** The connection failed (reset, timeout reported by TCP, ...). */
    IO_ERROR,
    /** The server is stopping. */
    SHUTDOWN;

    /** Lower-case with underscores, for metric tags. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
