package org.nbstack.tcp.core;

/**
 * RACK time-based loss detection (RFC 8985 §6): a segment is lost when a segment sent after it has been
 * delivered and more than the reordering window has passed since that later delivery should have
 * covered it. The reordering window adapts as §6.2 step 4 says: min_RTT / 4 times a multiplier that
 * grows by one for each round trip with a D-SACK (RFC 2883: a retransmission was not needed) and falls
 * back to 1 after 16 recoveries without one, capped by SRTT; zero while no reordering was seen and loss
 * is evident.
 */
final class RackState {
    private static final long NONE = Long.MIN_VALUE;

    /** RACK.xmit_ts / RACK.end_seq: the most recently sent segment known delivered. */
    private long xmitTime = NONE;
    private int endSeq;
    /** RACK.rtt: the round trip of that segment. */
    private long rtt;
    /** RACK.min_RTT, over the connection's life (Linux keeps a 5 minute window; a path rarely gets faster). */
    private long minRtt = Long.MAX_VALUE;
    private boolean reorderingSeen;
    /** RACK.fack: the highest end sequence number delivered. */
    private int fack;
    private boolean fackValid;
    /** §6.2 RACK.reo_wnd_mult, RACK.reo_wnd_persist, RACK.dsack_round. */
    private int reoWndMult = 1;
    private int reoWndPersist;
    private int dsackRound;
    private boolean dsackRoundValid;
    private static final int MAX_REO_WND_MULT = 1 << 10; // the window is capped by SRTT long before

    // The ACK being processed.
    private long ackTime;
    private boolean ackHasEcho;
    private int ackEchoMillis;

    /** Starts processing an ACK that arrived at {@code now}; {@code echoMillis} is its TSecr on our 1 ms clock. */
    void beginAck(long now, boolean hasEcho, int echoMillis) {
        ackTime = now;
        ackHasEcho = hasEcho;
        ackEchoMillis = echoMillis;
    }

    /** §6.2 step 4: a D-SACK widens the reordering window, once per round trip. */
    void onAck(int sndUna, int sndNxt, boolean dsack) {
        if (dsackRoundValid && Seq.ge(sndUna, dsackRound)) {
            dsackRoundValid = false;
        }
        if (dsack) {
            reorderingSeen = true; // a retransmission proved needless: the original was late, not lost
            if (!dsackRoundValid) {
                dsackRound = sndNxt;
                dsackRoundValid = true;
                reoWndMult = Math.min(reoWndMult + 1, MAX_REO_WND_MULT);
                reoWndPersist = 16;
            }
        }
    }

    /** §6.2 step 4: after 16 recoveries without a D-SACK the reordering window returns to min_RTT / 4. */
    void recoveryEnded() {
        if (reoWndPersist > 0) {
            reoWndPersist--;
        }
        if (reoWndPersist == 0) {
            reoWndMult = 1;
        }
    }

    /** One segment newly delivered (cumulatively or by SACK), in ascending sequence order within an ACK. */
    void delivered(long segXmitTime, int segEndSeq, boolean retransmitted) {
        // §6.2 step 3: a never-retransmitted segment delivered below the highest one delivered was reordered.
        if (!fackValid || Seq.gt(segEndSeq, fack)) {
            fack = segEndSeq;
            fackValid = true;
        } else if (Seq.lt(segEndSeq, fack) && !retransmitted) {
            reorderingSeen = true;
        }
        // §6.2 step 2 (RACK_update).
        long sample = ackTime - segXmitTime;
        if (retransmitted) {
            // The ACK may be for the original transmission: then the sample says nothing about this one. (A
            // SACK echoes the peer's last in-order timestamp, RFC 7323 §4.3, so it often gives no sample here.)
            if (ackHasEcho && Seq.lt(ackEchoMillis, (int) (segXmitTime / 1_000_000L))) {
                return;
            }
            if (sample < minRtt) {
                return;
            }
        } else if (sample < minRtt) {
            minRtt = sample;
        }
        if (xmitTime == NONE || sentAfter(segXmitTime, segEndSeq, xmitTime, endSeq)) {
            rtt = sample;
            xmitTime = segXmitTime;
            endSeq = segEndSeq;
        }
    }

    /** §6.2 RACK_sent_after: t1 later than t2, or at the same time with a higher end sequence number. */
    private static boolean sentAfter(long t1, int seq1, long t2, int seq2) {
        return t1 > t2 || (t1 == t2 && Seq.gt(seq1, seq2));
    }

    /**
     * §6.2 step 4: no window while no reordering was seen and loss is already evident (in recovery, or
     * DupThresh segments SACKed), else min_RTT / 4 times the multiplier, capped by SRTT.
     */
    long reorderingWindow(boolean inRecovery, int sackedSegments, long srtt) {
        if (!reorderingSeen && (inRecovery || sackedSegments >= SackScoreboard.DUP_THRESH)) {
            return 0;
        }
        long window = (minRtt == Long.MAX_VALUE ? srtt : minRtt) / 4 * reoWndMult;
        return srtt > 0 ? Math.min(window, srtt) : window;
    }

    /**
     * §6.2 step 5 (RACK_detect_loss): marks lost every unSACKed segment, not already marked, sent before the
     * RACK segment and outstanding for longer than RACK.rtt plus the reordering window. Returns how many it
     * marked; {@link #reorderTimeout} then says when to look again. Only segments below {@code limit} (SND.NXT)
     * are looked at: after an RTO, those above it are resent in order anyway.
     */
    int detectLoss(SentSegmentLog log, long now, long reoWnd, int limit) {
        timeout = 0;
        if (xmitTime == NONE) {
            return 0;
        }
        int marked = 0;
        for (int k = 0; k < log.size() && Seq.lt(log.start(k), limit); k++) {
            if (log.sacked(k)) {
                continue;
            }
            long sent = log.xmitTime(k);
            if (sentAfter(sent, log.end(k), xmitTime, endSeq)) {
                if (!log.retransmitted(k)) {
                    break; // first transmissions go out in sequence order: every later one is newer still
                }
                continue;
            }
            if (log.lost(k)) {
                continue;
            }
            long remaining = sent + rtt + reoWnd - now;
            if (remaining <= 0) {
                log.markLost(k);
                marked++;
            } else if (remaining > timeout) {
                timeout = remaining;
            }
        }
        return marked;
    }

    private long timeout;

    /** After {@link #detectLoss}: how long until a segment it spared may be deemed lost (§6.3), or 0. */
    long reorderTimeout() {
        return timeout;
    }
}
