package org.nbstack.tcp.core;

import org.nbstack.tcp.core.ConnectionTimers.Kind;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * Loss recovery without SACK (RFC 5681 §3.2, RFC 6582): three duplicate ACKs start fast recovery with a
 * retransmission of the segment at SND.UNA; a partial ACK resends the next one (driven by the connection, which
 * also deflates the window). No loss probe and no reorder timer.
 */
final class NewRenoRecovery implements LossRecovery {
    private final TcpConnection conn;

    NewRenoRecovery(TcpConnection conn) {
        this.conn = conn;
    }

    @Override
    public boolean takeSacks(long now, TcpSegment seg) {
        return false;
    }

    @Override
    public boolean duplicateAckStartsRecovery(int dupAcks) {
        // RFC 6582 §3.2 step 2: no second fast retransmit for losses of the same window.
        Sender snd = conn.snd;
        return dupAcks >= SackScoreboard.DUP_THRESH && snd.sndNxt == snd.sndMax && Seq.gt(snd.sndUna, conn.recover);
    }

    @Override
    public void recoveryStarted(long now) {
        conn.retransmitFirstUnacked(now);
    }

    @Override
    public void ackProcessed(long now, TcpSegment seg, boolean unaAdvanced, boolean duplicate, boolean newlySacked) {
    }

    @Override
    public void cumulativelyAcked(int una) {
        // Without SACK the scoreboard and the sent-segment log stay empty.
    }

    @Override
    public void recoveryEnded() {
    }

    @Override
    public int retransmitLost(long now) {
        return 0;
    }

    @Override
    public void updateProbeTimer(long now, boolean restart) {
        conn.timers.stop(Kind.PROBE);
    }

    @Override
    public void reorderTimeout(long now) {
    }

    @Override
    public void probeTimeout(long now) {
    }

    @Override
    public void retransmitTimedOut() {
    }
}
