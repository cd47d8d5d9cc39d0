package org.nbstack.netbios.session;

/** Where a session is in its life. */
public enum SessionState {
    /** Data phase: messages flow. */
    ESTABLISHED,
    /** Closing after the queued messages are written. */
    CLOSING,
    /** Ended; its buffers are released. */
    CLOSED
}
