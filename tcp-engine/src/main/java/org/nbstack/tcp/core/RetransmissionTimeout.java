package org.nbstack.tcp.core;

import org.nbstack.tcp.core.ConnectionTimers.Kind;
import org.nbstack.tcp.core.congestion.CongestionControl;

/**
 * What the retransmission timer does when it expires (RFC 6298 §5.4 - 5.7): resend the SYN or go back N from
 * SND.UNA, back off the RTO, tell congestion control, arm Eifel's undo (RFC 3522), fall back to a smaller segment
 * after repeated timeouts (RFC 4821 §7.7), and give up after the retry limit (RFC 9293 §3.8.3 R2, RFC 1122
 * 4.2.3.5) or the user timeout (RFC 5482). The persist timer's give-up (RFC 1122 4.2.2.17) shares the limits.
 */
final class RetransmissionTimeout {
    /** RFC 4821 §7.7, Linux tcp_mtu_probing = 1: timeouts in a row (tcp_retries1) that suggest an ICMP black hole. */
    private static final int BLACK_HOLE_TIMEOUTS = 3;
    /** The segment size then fallen back to (Linux tcp_base_mss). */
    private static final int BLACK_HOLE_MSS = 1024;

    private final TcpConnection conn;
    private final Sender snd;
    private final TcpCounters counters;
    /** Timeouts in a row without progress, compared with the retry limit. */
    private int retransmits;

    RetransmissionTimeout(TcpConnection conn) {
        this.conn = conn;
        this.snd = conn.snd;
        this.counters = conn.counters;
    }

    /** Timeouts since the last progress, as netstat shows them. */
    int retransmits() {
        return retransmits;
    }

    /** An ACK advanced SND.UNA or the handshake completed: the retry count starts over. */
    void progressed() {
        retransmits = 0;
    }

    void expired(long now) {
        TcpState state = conn.state();
        boolean synState = state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED;
        if (!synState && snd.sndMax == snd.sndUna) {
            return; // nothing outstanding
        }
        // RFC 1122 4.2.2.17 (Linux tcp_retransmit_timer): the peer shrank its window to zero under data in
        // flight, so nothing may be resent; the timeout probes the window instead, bounded like the persist timer.
        boolean windowClosed = !synState && snd.sndWnd == 0 && Seq.lt(snd.sndUna, snd.dataEndSeq());
        if (windowClosed) {
            if (probingGaveUp(now, conn.rtt.rto())) {
                return;
            }
        } else if (++retransmits > retryLimit()) {
            conn.giveUp(now, synState ? CloseReason.CONNECT_TIMEOUT : CloseReason.RETRANSMIT_TIMEOUT);
            return;
        }
        if (!synState && userTimedOut(now)) {
            conn.giveUp(now, CloseReason.USER_TIMEOUT);
            return;
        }
        counters.retransmitTimeouts++;
        conn.rtt.backOff(); // RFC 6298 §5.5
        if (synState) {
            counters.synRetransmits++;
            conn.handshake.sendSyn(now, state == TcpState.SYN_RECEIVED);
            return;
        }
        // RFC 3522 / RFC 4015: only the first timeout out of calm (no fast recovery, no earlier
        // timeout still being repaired) can be taken back, and only with timestamps to tell the ACKs apart.
        boolean undoable = conn.tsOn && !conn.inRecovery && Seq.ge(snd.sndUna, conn.recover);
        CongestionControl cc = conn.cc;
        int priorCwnd = cc.cwnd();
        int priorSsthresh = cc.ssthresh();
        int priorRecover = conn.recover;
        int flight = snd.sndMax - snd.sndUna;
        cc.onRetransmitTimeout(now, flight, conn.sendMss());
        conn.inRecovery = false;
        conn.dupAcks = 0;
        conn.recover = snd.sndMax; // RFC 6582 §3.2 step 4 after a timeout
        // RFC 6675 §5.1 / RFC 8985 §6.3: SACKed data stays SACKed, as in Linux; reneging (RFC 2018 §8) is caught
        // where an ACK stops at SACKed data (ackAdvanced), which then forgets the SACK information.
        conn.recovery.retransmitTimedOut(); // the probe episode ends with the timeout
        conn.timers.stop(Kind.REORDER);
        conn.timers.stop(Kind.PROBE);
        snd.rttTiming = false;
        if (retransmits == BLACK_HOLE_TIMEOUTS && snd.segmentSizeLimit() > BLACK_HOLE_MSS && flight >= conn.sendMss()) {
            snd.pathMss = BLACK_HOLE_MSS; // full-sized segments keep timing out and no ICMP came: try smaller ones
            counters.blackHoleMssReductions++;
        }
        snd.sndNxt = snd.sndUna; // go back N: resend from the first unacknowledged byte, skipping what the peer holds
        if (snd.finQueued && Seq.ge(snd.sndUna, snd.finSeq)) {
            counters.finRetransmits++;
        }
        snd.output(now);
        if (windowClosed) {
            snd.sendWindowProbe(now);
        }
        if (undoable && Seq.gt(snd.sndNxt, snd.sndUna)) {
            // RFC 3522 RetransmitTS: the TSval every segment sent now carries.
            conn.eifel.arm(conn.tsClock(now), snd.sndUna, snd.sndNxt, priorCwnd, priorSsthresh, priorRecover);
        }
        conn.armRetransmitTimer(now);
    }

    /**
     * Seed 003 (Q254930) for a closed window: probing ends, with a RST, once the user timeout passed (RFC 5482),
     * the probes went unanswered up to the retry limit, or an orphan used up its retries (Linux tcp_probe_timer).
     * An orphan also gives up once its probe interval has backed off to the RTO maximum (Linux: not "alive").
     * Returns whether the connection gave up.
     *
     * @param nextInterval the wait before the probe that would be sent next
     */
    boolean probingGaveUp(long now, long nextInterval) {
        if (userTimedOut(now)) {
            conn.giveUp(now, CloseReason.USER_TIMEOUT);
            return true;
        }
        boolean orphaned = conn.isOrphaned();
        boolean orphanBackedOff = orphaned && snd.zeroWindowProbes.sent() > 0
                && nextInterval >= conn.config().rtoMaxNanos();
        if (snd.zeroWindowProbes.exhausted(retryLimit(), orphaned) || orphanBackedOff) {
            counters.persistTimeouts++;
            conn.giveUp(now, CloseReason.PERSIST_TIMEOUT);
            return true;
        }
        return false;
    }

    private int retryLimit() {
        TcpConfig config = conn.config();
        return switch (conn.state()) {
            case SYN_SENT -> config.synRetries();
            case SYN_RECEIVED -> config.synAckRetries();
            // Seed 003 (Q254930): a closing connection must not wait for an absent peer forever.
            case FIN_WAIT_1, CLOSING, LAST_ACK -> Math.min(config.orphanRetries(), config.dataRetries());
            default -> conn.isOrphaned() ? Math.min(config.orphanRetries(), config.dataRetries()) : config.dataRetries();
        };
    }

    private boolean userTimedOut(long now) {
        long limit = conn.config().userTimeoutNanos();
        return limit > 0 && now - conn.lastProgress >= limit;
    }
}
