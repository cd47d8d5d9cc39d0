package org.nbstack.tcp.core;

import org.nbstack.tcp.core.ConnectionTimers.Kind;
import org.nbstack.tcp.wire.TcpOptions;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * Loss recovery with SACK (RFC 6675) and RACK-TLP loss detection (RFC 8985), as Linux does by default: the ACK's
 * SACK blocks feed the {@link SackScoreboard} and the {@link SentSegmentLog}; a segment is lost once a later one
 * was delivered and the reordering window has passed ({@link RackState}), found per ACK or by the reorder timer;
 * a tail loss probe ({@link TailLossProbe}) repairs a lost tail without waiting for the RTO. Duplicate-ACK
 * counting remains only for a peer that negotiated SACK but sends no SACK blocks.
 */
final class SackRecovery implements LossRecovery {
    private final TcpConnection conn;
    private final Sender snd;
    private final RackState rack = new RackState();
    private final TailLossProbe tlp = new TailLossProbe();
    private final int[] sackOrder = new int[TcpOptions.MAX_SACK_BLOCKS];

    SackRecovery(TcpConnection conn) {
        this.conn = conn;
        this.snd = conn.snd;
    }

    @Override
    public boolean takeSacks(long now, TcpSegment seg) {
        boolean newlySacked = false;
        for (int i = 0; i < seg.options.sackBlockCount(); i++) {
            newlySacked |= conn.scoreboard.add(seg.options.sackLeft(i), seg.options.sackRight(i), snd.sndUna, snd.sndMax);
        }
        boolean echo = conn.tsOn && seg.options.hasTimestamps && seg.options.tsEcr != 0;
        rack.beginAck(now, echo, seg.options.tsEcr - conn.writer.tsOffset());
        return newlySacked;
    }

    @Override
    public boolean duplicateAckStartsRecovery(int dupAcks) {
        // RACK decides from the SACKs (RFC 8985 §3.4); DupThresh only for a peer that SACKs nothing.
        if (dupAcks >= SackScoreboard.DUP_THRESH && conn.scoreboard.isEmpty() && !conn.sentLog.isEmpty()
                && snd.sndNxt == snd.sndMax && Seq.ge(snd.sndUna, conn.recover)) {
            conn.sentLog.markLost(0);
            return true;
        }
        return false;
    }

    @Override
    public void recoveryStarted(long now) {
        tlp.reset(); // fast recovery takes over from the probe (RFC 8985 §7.4)
        conn.timers.stop(Kind.PROBE);
        retransmitLost(now); // RFC 6675 §5 (4.3): the first lost segment goes out whatever the pipe
        conn.armRetransmitTimer(now);
    }

    @Override
    public void cumulativelyAcked(int una) {
        conn.scoreboard.ackTo(una);
        conn.sentLog.ackTo(una, rack);
        if (!conn.scoreboard.isEmpty() && conn.scoreboard.left(0) == una) {
            // RFC 2018 §8 reneging (Linux tcp_check_sack_reneging): a receiver holding SACKed data at RCV.NXT
            // would have acknowledged it, so it discarded it. Forget the SACKs; RACK or the RTO resend it all.
            conn.scoreboard.clear();
            conn.sentLog.clearMarks();
        }
    }

    @Override
    public void recoveryEnded() {
        rack.recoveryEnded();
    }

    @Override
    public void retransmitTimedOut() {
        tlp.reset();
    }

    /** Per ACK: what it delivered, what that proves lost, and what it says about an outstanding probe. */
    @Override
    public void ackProcessed(long now, TcpSegment seg, boolean unaAdvanced, boolean duplicate, boolean newlySacked) {
        // RFC 2883 §4: a first block below the ACK, or inside the second block, reports a duplicate.
        int blocks = seg.options.sackBlockCount();
        boolean dsack = blocks > 0 && (Seq.le(seg.options.sackRight(0), seg.ack) || (blocks > 1
                && Seq.ge(seg.options.sackLeft(0), seg.options.sackLeft(1))
                && Seq.le(seg.options.sackRight(0), seg.options.sackRight(1))));
        int dsackLeft = dsack ? seg.options.sackLeft(0) : 0;
        int dsackRight = dsack ? seg.options.sackRight(0) : 0;
        if (dsack) {
            conn.counters.dsacksReceived++;
        }
        // Duplicates of a loss probe, of an RTO's go-back-N or of a spurious RTO's resend are expected, not a
        // sign of reordering.
        boolean rtoRecovery = !conn.inRecovery && Seq.lt(snd.sndUna, conn.recover);
        rack.onAck(snd.sndUna, snd.sndNxt, dsack && !rtoRecovery && !tlp.isProbeDuplicate(dsackLeft, dsackRight)
                && !conn.eifel.isRetransmissionDuplicate(dsackLeft, dsackRight));
        if (newlySacked) {
            // §6.2 step 3 wants deliveries in ascending sequence order; the peer lists the newest block first.
            int n = seg.options.sackBlockCount();
            for (int i = 0; i < n; i++) {
                int j = i;
                while (j > 0 && Seq.gt(seg.options.sackLeft(sackOrder[j - 1]), seg.options.sackLeft(i))) {
                    sackOrder[j] = sackOrder[j - 1];
                    j--;
                }
                sackOrder[j] = i;
            }
            for (int j = 0; j < n; j++) {
                int i = sackOrder[j];
                conn.sentLog.sacked(seg.options.sackLeft(i), seg.options.sackRight(i), conn.scoreboard, rack);
            }
        }
        detectLosses(now);
        TailLossProbe.Verdict verdict = tlp.onAck(snd.sndUna, unaAdvanced, duplicate, newlySacked, dsackLeft, dsackRight);
        if (verdict == TailLossProbe.Verdict.LOSS_REPAIRED) {
            conn.tailLossRepaired(now);
        }
        updateProbeTimer(now, unaAdvanced);
    }

    /** §6.2 step 5 and §6.3: marks what RACK deems lost, arms the reorder timer, enters recovery if need be. */
    private void detectLosses(long now) {
        if (conn.sentLog.isEmpty()) {
            conn.timers.stop(Kind.REORDER);
            return;
        }
        boolean lossRecovery = conn.inRecovery || Seq.lt(snd.sndUna, conn.recover);
        long reoWnd = rack.reorderingWindow(lossRecovery, conn.sentLog.sackedSegments(), conn.rtt.srtt());
        int marked = rack.detectLoss(conn.sentLog, now, reoWnd, snd.sndNxt);
        long wait = rack.reorderTimeout();
        if (wait > 0) {
            conn.timers.arm(Kind.REORDER, now + wait);
        } else {
            conn.timers.stop(Kind.REORDER);
        }
        if (marked > 0) {
            conn.counters.rackLosses += marked;
            // RFC 6675 §5 / RFC 8985 §3.4: one congestion response per window of data.
            if (!conn.inRecovery && snd.sndNxt == snd.sndMax && Seq.ge(snd.sndUna, conn.recover)) {
                conn.enterRecovery(now);
            }
        }
    }

    /** §6.3: the reorder timer expired; whatever it waited for is lost now unless it was delivered. */
    @Override
    public void reorderTimeout(long now) {
        if (!snd.canSendData()) {
            return;
        }
        detectLosses(now);
        if (conn.sentLog.lostBytes() > 0) {
            snd.output(now);
        }
    }

    /** Retransmits (part of) the first segment marked lost below SND.NXT; returns the bytes sent. */
    @Override
    public int retransmitLost(long now) {
        for (int guard = 0; guard < 1 << 16; guard++) {
            int k = conn.sentLog.firstLost(snd.sndNxt);
            if (k < 0) {
                return 0;
            }
            int start = Seq.max(conn.sentLog.start(k), snd.sndUna);
            int end = conn.sentLog.end(k);
            int s = conn.scoreboard.nextUnsacked(start, end);
            int len = Math.min(conn.sendMss(), Math.min(conn.scoreboard.holeEnd(s, end) - s, snd.dataEndSeq() - s));
            if (Seq.ge(s, end) || len <= 0) {
                conn.sentLog.clearLost(k); // SACKed after all: nothing to resend
                continue;
            }
            int sent = snd.transmitData(now, s, len, snd.finSent() && s + len == snd.finSeq);
            conn.counters.retransmittedSegments++;
            return sent;
        }
        return 0;
    }

    /**
     * §7.2: (re)arms the probe timer while the conditions hold (SACK, nothing SACKed, no fast or RTO recovery,
     * no probe outstanding, data in flight), never later than the RTO; otherwise stops it.
     */
    @Override
    public void updateProbeTimer(long now, boolean restart) {
        if (conn.inRecovery || Seq.lt(snd.sndUna, conn.recover) || !conn.scoreboard.isEmpty() || tlp.blocksProbing(snd.sndUna)
                || conn.sentLog.isEmpty() || !snd.canSendData()) {
            conn.timers.stop(Kind.PROBE);
            return;
        }
        if (!restart && conn.timers.isArmed(Kind.PROBE)) {
            return;
        }
        long at = now + TailLossProbe.probeTimeout(conn.rtt.srtt(), snd.sndMax - snd.sndUna, conn.sendMss());
        if (conn.timers.isArmed(Kind.RETRANSMIT) && at > conn.timers.deadline(Kind.RETRANSMIT)) {
            at = conn.timers.deadline(Kind.RETRANSMIT);
        }
        conn.timers.arm(Kind.PROBE, conn.capByUserTimeout(at));
    }

    /** §7.3: sends one probe, new data if the peer's window takes it, else the last segment again. */
    @Override
    public void probeTimeout(long now) {
        if (!snd.canSendData() || conn.inRecovery || Seq.lt(snd.sndUna, conn.recover) || tlp.blocksProbing(snd.sndUna)
                || conn.sentLog.isEmpty() || snd.sndNxt != snd.sndMax) {
            return;
        }
        int mss = conn.sendMss();
        int unsent = snd.dataEndSeq() - snd.sndNxt;
        int room = snd.usableWindow();
        if (unsent > 0 && room > 0) {
            // New data, past the congestion window by at most this one segment.
            int len = Math.min(mss, Math.min(unsent, room));
            boolean withFin = snd.finQueued && snd.sndNxt + len == snd.finSeq;
            int sent = snd.transmitData(now, snd.sndNxt, len, withFin);
            snd.advanceSndNxt(now, snd.sndNxt + sent + (withFin && sent == len ? 1 : 0));
            tlp.sent(snd.sndMax, false, snd.sndMax);
        } else {
            int last = conn.sentLog.size() - 1;
            int end = conn.sentLog.end(last);
            int start = Seq.max(conn.sentLog.start(last), end - mss);
            snd.transmitData(now, start, end - start, snd.finSent() && end == snd.finSeq);
            conn.counters.retransmittedSegments++;
            tlp.sent(snd.sndMax, true, start);
        }
        conn.counters.tlpProbes++;
        conn.armRetransmitTimer(now); // §7.3: the RTO restarts after the probe
    }
}
