package org.nbstack.tcp.core;

import org.nbstack.tcp.core.ConnectionTimers.Kind;
import org.nbstack.tcp.wire.TcpFlags;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * A connection in TIME_WAIT (RFC 9293 §3.10.7.4): what an arriving segment does to it, and whether a SYN for its
 * 4-tuple is a new incarnation (RFC 6191). The connection enters and leaves the state; the expiry of the 2*MSL
 * timer is in its timer dispatch.
 */
final class TimeWait {
    private final TcpConnection conn;
    private final Receiver rcv;
    private final TimeWaitResetWindow reconnectReset = new TimeWaitResetWindow();

    TimeWait(TcpConnection conn) {
        this.conn = conn;
        this.rcv = conn.rcv;
    }

    /**
     * Only a retransmitted FIN matters; RST is ignored (RFC 1337) except the peer's answer to our ACK of its
     * reconnect SYN (decision 0007).
     */
    void segmentArrived(long now, TcpSegment seg) {
        TcpCounters counters = conn.counters;
        if (seg.has(TcpFlags.RST)) {
            if (reconnectReset.admits(now, seg.seq, rcv.rcvNxt)) {
                counters.timeWaitResetReleases++;
                conn.close(CloseReason.REPLACED, now); // the 4-tuple is free for the client's next SYN
            } else {
                counters.timeWaitResetsIgnored++; // RFC 1337 TIME-WAIT assassination fix
            }
            return;
        }
        if (seg.has(TcpFlags.SYN)) {
            // The owner admits provably new SYNs (RFC 6191) before this point; any other gets the old ACK.
            rcv.ackNow = conn.invalidAcks.allowChallengeAck(now);
            if (rcv.ackNow && !seg.has(TcpFlags.ACK) && seg.seq != rcv.irs) { // not a duplicate of this connection's SYN
                reconnectReset.open(now, conn.rtt.rto());
            }
            return;
        }
        if (seg.has(TcpFlags.FIN)) {
            if (isPeerFinAgain(seg)) {
                // The peer lost our ACK of its FIN: ACK again and restart the 2*MSL timer (RFC 9293 §3.10.7.4).
                conn.timers.arm(Kind.TIME_WAIT, now + conn.config().timeWaitNanos());
                rcv.ackNow = true;
            } else {
                // Not the peer's FIN (RFC 9293 §3.10.7.4 acceptability): an ACK at most, and TIME_WAIT is not
                // extended, so forged or stray FINs cannot keep the entry alive.
                rcv.ackNow = conn.invalidAcks.allowInvalidAnswer(now);
            }
            return;
        }
        if (seg.payloadLength() > 0) {
            rcv.ackNow = true;
        }
    }

    /** A retransmission of the FIN that brought us here: its FIN has the sequence number just below RCV.NXT. */
    private boolean isPeerFinAgain(TcpSegment seg) {
        boolean pawsOk = !conn.tsOn || !seg.options.hasTimestamps || Seq.ge(seg.options.tsVal, rcv.tsRecent); // RFC 7323 §5.3
        return pawsOk && seg.seq + seg.payloadLength() == rcv.rcvNxt - 1;
    }

    /**
     * Whether {@code syn} is provably a new incarnation (RFC 6191 §2): its timestamp is newer than the last one
     * seen; or equal (a peer with a 1 ms clock reconnecting at once, as Linux does) and its sequence number beyond
     * the old RCV.NXT; or, without timestamps, its sequence number beyond the old RCV.NXT (RFC 1122 4.2.2.13).
     */
    boolean acceptsNewIncarnation(TcpSegment syn) {
        if (conn.tsOn && syn.options.hasTimestamps && syn.options.tsVal != rcv.tsRecent) {
            return Seq.gt(syn.options.tsVal, rcv.tsRecent);
        }
        return Seq.gt(syn.seq, rcv.rcvNxt);
    }
}
