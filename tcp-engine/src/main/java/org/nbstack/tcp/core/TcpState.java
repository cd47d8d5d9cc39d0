package org.nbstack.tcp.core;

/** The eleven connection states of RFC 9293 §3.3.2. */
public enum TcpState {
    CLOSED, LISTEN, SYN_SENT, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT;

    /** States after the three-way handshake (RFC 9293 §3.10.7.4 "synchronized states"). */
    public boolean isSynchronized() {
        return ordinal() >= ESTABLISHED.ordinal();
    }

    /** States in which our FIN has been queued or sent. */
    public boolean isSendClosed() {
        return this == FIN_WAIT_1 || this == FIN_WAIT_2 || this == CLOSING || this == LAST_ACK || this == TIME_WAIT;
    }

    /** States in which the peer's FIN has been received. */
    public boolean isReceiveClosed() {
        return this == CLOSE_WAIT || this == CLOSING || this == LAST_ACK || this == TIME_WAIT;
    }

    /** The name netstat prints: ESTABLISHED, FIN_WAIT1, TIME_WAIT... */
    public String netstatName() {
        return switch (this) {
            case FIN_WAIT_1 -> "FIN_WAIT1";
            case FIN_WAIT_2 -> "FIN_WAIT2";
            default -> name();
        };
    }
}
