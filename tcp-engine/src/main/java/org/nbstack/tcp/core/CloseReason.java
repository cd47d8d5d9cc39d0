package org.nbstack.tcp.core;

/** Why a connection reached CLOSED. Everything but NORMAL is an error the application sees. */
public enum CloseReason {
    /** Both directions closed by FIN exchange. */
    NORMAL("closed"),
    /** The peer sent a RST on an established connection. */
    RESET_BY_PEER("connection reset by peer"),
    /** The peer answered our SYN with a RST. */
    REFUSED("connection refused"),
    /** SYN retransmissions exhausted. */
    CONNECT_TIMEOUT("connection timed out (no answer to SYN)"),
    /** Retransmissions of data or FIN exhausted (RFC 9293 §3.8.3 R2). */
    RETRANSMIT_TIMEOUT("connection timed out (retransmissions exhausted)"),
    /** Unacknowledged data outlived the user timeout (RFC 5482). */
    USER_TIMEOUT("connection timed out (user timeout)"),
    /**
     * Zero-window probes went unanswered up to the retry limit, or an orphan waited its orphan retries for a
     * window that never opened (RFC 1122 4.2.2.17, Linux tcp_probe_timer).
     */
    PERSIST_TIMEOUT("connection timed out (zero-window probes exhausted)"),
    /** Keepalive probes went unanswered (RFC 1122 4.2.3.6). */
    KEEPALIVE_TIMEOUT("connection timed out (keepalive)"),
    /** An orphaned FIN_WAIT_2 waited longer than its timeout for the peer's FIN. */
    FIN_WAIT_2_TIMEOUT("closed (FIN_WAIT_2 timeout)"),
    /** The local user aborted the connection (RST sent). */
    ABORTED("connection aborted"),
    /** Data arrived after the application closed the connection; answered with RST (RFC 9293 §3.10.7.4). */
    DATA_AFTER_CLOSE("connection reset (data after close)"),
    /** A newer incarnation of the 4-tuple replaced this one while it was in TIME_WAIT (RFC 6191). */
    REPLACED("closed (TIME_WAIT reused by a new connection)");

    private final String message;

    CloseReason(String message) {
        this.message = message;
    }

    public String message() {
        return message;
    }

    public boolean isError() {
        return this != NORMAL && this != REPLACED;
    }
}
