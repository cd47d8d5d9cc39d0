package org.nbstack.tcp.core;

/**
 * Eifel detection of a spurious retransmission timeout with timestamps (RFC 3522), and what its response
 * (RFC 4015) needs to take the timeout back. Armed when the first timeout of an episode has sent its first
 * retransmission; the first acceptable ACK after that decides: if its TSecr is older than that
 * retransmission's TSval, it acknowledges the original transmission, so nothing was lost and the timeout was
 * spurious.
 */
final class SpuriousRtoDetection {
    private boolean armed;
    /** RFC 3522 RetransmitTS: the TSval (our clock, with its offset) of the first retransmission. */
    private int retransmitTs;
    // The sender's state before the timeout, for the response to restore.
    private int priorCwnd;
    private int priorSsthresh;
    private int priorRecover;
    // The retransmitted range [start, end): after a spurious timeout the peer got it twice, and reports it with
    // a D-SACK that says nothing about reordering.
    private int retransmitStart;
    private int retransmitEnd;
    private boolean duplicateExpected;

    /**
     * The timeout sent [start, end) with TSval {@code tsVal}; {@code cwnd}, {@code ssthresh} and {@code recover}
     * are the values before it, which the response restores.
     */
    void arm(int tsVal, int start, int end, int cwnd, int ssthresh, int recover) {
        armed = true;
        duplicateExpected = false;
        retransmitTs = tsVal;
        retransmitStart = start;
        retransmitEnd = end;
        priorCwnd = cwnd;
        priorSsthresh = ssthresh;
        priorRecover = recover;
    }

    /**
     * RFC 3522's test of the first acceptable ACK (one that advances SND.UNA) after arming: true when
     * the timeout was spurious. Disarms either way: only the first acceptable ACK decides.
     *
     * @param hasEcho whether the ACK carries a timestamp echo (TSecr not 0)
     */
    boolean onAcceptableAck(boolean hasEcho, int tsEcr) {
        if (!armed) {
            return false;
        }
        armed = false;
        duplicateExpected = hasEcho && Seq.lt(tsEcr, retransmitTs);
        return duplicateExpected;
    }

    /** Whether the D-SACK block [left, right) reports the retransmission of a timeout found spurious (once). */
    boolean isRetransmissionDuplicate(int left, int right) {
        if (duplicateExpected && Seq.lt(left, right) && Seq.lt(left, retransmitEnd) && Seq.gt(right, retransmitStart)) {
            duplicateExpected = false;
            return true;
        }
        return false;
    }

    int priorCwnd() {
        return priorCwnd;
    }

    int priorSsthresh() {
        return priorSsthresh;
    }

    int priorRecover() {
        return priorRecover;
    }
}
