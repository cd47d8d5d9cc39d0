package org.nbstack.tcp.core;

/**
 * How long a sender keeps probing a closed window (RFC 1122 4.2.2.17, bounded like Linux's tcp_probe_timer).
 * RFC 1122 lets a sender probe forever as long as the receiver answers; an unanswered probe is a retransmission
 * that got no reply, so unanswered probes are bounded by the retry limit. An orphan (nobody will read or write
 * it again) is not allowed to wait for a window that never opens: it gives up after its retry count of probes,
 * answered or not. Both counts start again once the peer acknowledges new data.
 */
final class ZeroWindowProbes {
    private int sent;
    private int unanswered;

    /** A probe went out (persist timer, or a retransmission timeout that met a zero window). */
    void probeSent() {
        sent++;
        unanswered++;
    }

    /** An acceptable ACK arrived: the peer is alive, whatever window it offers. */
    void answered() {
        unanswered = 0;
    }

    /** New data was acknowledged: the window moved, probing starts afresh. */
    void progressed() {
        sent = 0;
        unanswered = 0;
    }

    /**
     * Whether the next probe would exceed the bound.
     *
     * @param retryLimit  the connection's retry limit (data retries, or the orphan retries for an orphan)
     * @param orphaned    whether the application has closed the connection
     */
    boolean exhausted(int retryLimit, boolean orphaned) {
        return unanswered >= retryLimit || (orphaned && sent >= retryLimit);
    }

    int sent() {
        return sent;
    }
}
