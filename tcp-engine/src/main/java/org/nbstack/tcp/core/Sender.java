package org.nbstack.tcp.core;

import io.netty.buffer.ByteBuf;
import org.nbstack.tcp.core.ConnectionTimers.Kind;
import org.nbstack.tcp.wire.TcpFlags;
import org.nbstack.tcp.wire.TcpOptions;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * The send side of a connection (RFC 9293 §3.3.1 SND.* variables): the send queue, the output loop with the
 * peer's window, the congestion window, Nagle (RFC 896) and sender SWS avoidance (RFC 1122 4.2.3.4), the FIN,
 * zero-window probing with the persist timer (RFC 9293 §3.8.6.1), and the segments and ACKs it emits. Loss
 * recovery decides what to resend; the congestion window is read through the connection.
 */
final class Sender {
    private final TcpConnection conn;
    private final TcpCounters counters;
    private final SegmentWriter writer;
    final SendQueue sendQueue;

    // Send sequence variables (RFC 9293 §3.3.1). sndMax is the highest sequence number ever sent.
    final int iss;
    int sndUna;
    int sndNxt;
    int sndMax;
    int sndWnd;
    int sndWl1;
    int sndWl2;
    int maxSndWnd;
    int sndWscale;
    boolean peerOfferedWindowScale;
    int peerMss = Negotiation.DEFAULT_PEER_MSS;
    /** The MSS the path takes (RFC 1191: path MTU less 40), lowered by ICMP "fragmentation needed". */
    int pathMss = Integer.MAX_VALUE;
    boolean finQueued;
    int finSeq;

    // RTT timing without timestamps (one segment at a time, RFC 6298 §3 / Karn).
    boolean rttTiming;
    int rttSeq;
    long rttStart;

    // Zero-window probing (persist timer).
    int persistBackoff;
    final ZeroWindowProbes zeroWindowProbes = new ZeroWindowProbes();

    Sender(TcpConnection conn, int iss, SegmentWriter writer, ShardResources resources, MemoryAccount memory) {
        this.conn = conn;
        this.iss = iss;
        this.writer = writer;
        this.counters = resources.counters();
        this.sendQueue = new SendQueue(resources, memory);
        this.sndUna = iss;
        this.sndNxt = iss;
        this.sndMax = iss;
    }

    /** RFC 9293 §3.10.7.4 window update: taken from a segment newer than the last update (SND.WL1, SND.WL2). */
    void updateWindow(TcpSegment seg) {
        int ack = seg.ack;
        if (Seq.ge(ack, sndUna) && (Seq.lt(sndWl1, seg.seq) || (sndWl1 == seg.seq && Seq.le(sndWl2, ack)))) {
            sndWnd = seg.window << sndWscale;
            sndWl1 = seg.seq;
            sndWl2 = ack;
            if (sndWnd > maxSndWnd) {
                maxSndWnd = sndWnd;
            }
        }
    }

    void output(long now) {
        output(now, false);
    }

    /**
     * Sends what the windows allow: SACK-based retransmissions in recovery (RFC 6675 §5 NextSeg), then new
     * data subject to the peer's window, the congestion window, Nagle (RFC 896) and sender SWS avoidance
     * (RFC 1122 4.2.3.4), then a FIN once all data is out. {@code force} is the persist timer's override.
     */
    void output(long now, boolean force) {
        if (!canSendData()) {
            return;
        }
        int mss = conn.sendMss();
        conn.cwndLimited = false;
        boolean sentSomething = false;
        boolean sentNewData = false;
        int resentBelowSndNxt = 0; // outside recovery the flight does not count what RACK had us resend
        for (int guard = 0; guard < 1 << 16; guard++) {
            boolean goingBackN = Seq.lt(sndNxt, sndMax); // after a timeout, resending from SND.UNA
            if (goingBackN && conn.sackOn && !conn.scoreboard.isEmpty()) {
                sndNxt = conn.scoreboard.nextUnsacked(sndNxt, sndMax); // RFC 6675 §5.1: not what the peer holds
                goingBackN = Seq.lt(sndNxt, sndMax);
            }
            int flight = sndNxt - sndUna;
            int pipe = conn.inRecovery && conn.sackOn ? conn.pipe()
                    : (goingBackN && conn.sackOn ? conn.scoreboard.unsackedBetween(sndUna, sndNxt) : flight) + resentBelowSndNxt;
            int cwndBudget = conn.congestionWindow() - pipe;
            // RFC 6675 §5 NextSeg rule 1, with RACK's lost marks in place of IsLost (RFC 8985 §3.4).
            if (conn.sackOn && conn.sentLog.lostBytes() > 0 && cwndBudget >= mss) {
                int resent = conn.recovery.retransmitLost(now);
                if (resent > 0) {
                    resentBelowSndNxt += conn.inRecovery ? 0 : resent;
                    sentSomething = true;
                    continue;
                }
            }
            int unsent = dataEndSeq() - sndNxt;
            if (unsent <= 0) {
                if (finQueued && sndNxt == finSeq) {
                    transmitControl(now, finSeq, TcpFlags.FIN | TcpFlags.ACK);
                    advanceSndNxt(now, finSeq + 1);
                    sentSomething = true;
                }
                break;
            }
            int windowRoom = sndUna + sndWnd - sndNxt;
            int len = Math.min(unsent, mss);
            // A resend stops at the next SACKed block; a whole hole goes out even if small (SWS and Nagle are
            // about new data).
            int holeRoom = goingBackN && conn.sackOn ? conn.scoreboard.holeEnd(sndNxt, sndMax) - sndNxt : Integer.MAX_VALUE;
            len = Math.min(len, holeRoom);
            len = Math.min(len, windowRoom);
            if (!force) {
                if (cwndBudget < len) {
                    conn.cwndLimited = true;
                    len = Math.max(0, cwndBudget);
                }
            }
            if (len <= 0) {
                break;
            }
            boolean wholeHole = len == holeRoom;
            if (!force && !wholeHole && len < mss && len < unsent && len < maxSndWnd / 2) {
                break; // sender SWS avoidance: wait for a full segment's room
            }
            if (!force && !wholeHole && len < mss && !conn.config().noDelay() && flight > 0 && !finQueued) {
                break; // Nagle: one small segment outstanding at a time
            }
            boolean withFin = finQueued && sndNxt + len == finSeq;
            int sent = transmitData(now, sndNxt, len, withFin);
            if (Seq.lt(sndNxt, sndMax)) {
                counters.retransmittedSegments++;
            } else {
                sentNewData = true;
                if (!rttTiming && !conn.tsOn) {
                    rttTiming = true;
                    rttSeq = sndNxt;
                    rttStart = now;
                }
            }
            advanceSndNxt(now, sndNxt + sent + (withFin && sent == len ? 1 : 0));
            sentSomething = true;
            force = false;
        }
        if (sentSomething && !conn.timers.isArmed(Kind.RETRANSMIT) && sndMax != sndUna) {
            conn.armRetransmitTimer(now);
        }
        if (sentNewData) {
            conn.recovery.updateProbeTimer(now, true); // RFC 8985 §7.2: (re)start the PTO after new data
        }
        // RFC 9293 §3.8.6.1: data waits on a closed (or too small) window and nothing is in flight.
        if ((hasUnsentData() || (finQueued && !finSent())) && sndMax == sndUna && !conn.timers.isArmed(Kind.RETRANSMIT)
                && !conn.timers.isArmed(Kind.PERSIST) && !sentSomething) {
            armPersistTimer(now);
        } else if (conn.timers.isArmed(Kind.PERSIST) && sndMax != sndUna) {
            conn.timers.stop(Kind.PERSIST);
        }
    }

    void advanceSndNxt(long now, int newNxt) {
        if (sndMax == sndUna && Seq.gt(newNxt, sndNxt)) {
            conn.lastProgress = now; // the user timeout counts from the first unacknowledged transmission
        }
        sndNxt = newNxt;
        if (Seq.gt(sndNxt, sndMax)) {
            sndMax = sndNxt;
        }
    }

    boolean canSendData() {
        return switch (conn.state()) {
            case ESTABLISHED, CLOSE_WAIT, FIN_WAIT_1, CLOSING, LAST_ACK -> true;
            default -> false;
        };
    }

    int usableWindow() {
        return sndUna + sndWnd - sndNxt;
    }

    boolean hasUnsentData() {
        return Seq.lt(sndNxt, dataEndSeq());
    }

    boolean finSent() {
        return finQueued && Seq.gt(sndMax, finSeq);
    }

    void queueFin() {
        if (!finQueued) {
            finQueued = true;
            finSeq = dataEndSeq();
        }
    }

    /** Sequence number just past the last queued data byte. */
    int dataEndSeq() {
        return iss + 1 + (int) sendQueue.endOffset();
    }

    /** Stream offset of sequence number {@code seq} (data byte 0 has sequence number ISS + 1). */
    long streamOffset(int seq) {
        long front = sendQueue.frontOffset();
        int frontSeq = iss + 1 + (int) front;
        return front + Seq.diff(frontSeq, seq);
    }

    /** Sends {@code len} bytes of queued data from {@code seq}; returns how many fit the segment. */
    int transmitData(long now, int seq, int len, boolean fin) {
        TcpOptions options = conn.rcv.dataOptions(now);
        int optionBytes = SegmentWriter.optionLength(options);
        int room = segmentSizeLimit() - optionBytes;
        if (len > room) {
            len = Math.max(1, room);
            fin = false;
        }
        ByteBuf payload = sendQueue.slice(streamOffset(seq), len);
        int flags = TcpFlags.ACK | (fin ? TcpFlags.FIN : 0) | (seq + len == dataEndSeq() ? TcpFlags.PSH : 0);
        emit(now, seq, flags, options, payload);
        if (conn.sackOn) {
            conn.sentLog.sent(seq, seq + len, now); // RFC 8985 §6.1: each segment's (re)transmission time
            if (conn.inRecovery) {
                conn.prr.onSent(len); // RFC 6937 prr_out
            }
        }
        return len;
    }

    void transmitControl(long now, int seq, int flags) {
        emit(now, seq, flags, conn.rcv.dataOptions(now), null);
    }

    void sendAck(long now) {
        if (conn.state() == TcpState.CLOSED || conn.state() == TcpState.SYN_SENT) {
            conn.rcv.ackNow = false;
            return;
        }
        transmitControl(now, acceptableSeq(), TcpFlags.ACK);
    }

    /**
     * The sequence number of a pure ACK: SND.MAX capped at the peer's window edge (Linux tcp_acceptable_seq).
     * Not a SND.NXT rewound by a retransmission timeout, which may lie below the peer's RCV.NXT; not beyond the
     * right edge, which a peer whose window closed would drop; either way the ACK would be unacceptable
     * (RFC 9293 §3.10.7.4) and both ends could wait on each other's acknowledgments forever.
     */
    int acceptableSeq() {
        int windowEnd = sndUna + sndWnd;
        return Seq.le(sndMax, windowEnd) ? sndMax : windowEnd;
    }

    /**
     * RFC 9293 §3.8.6.1 / RFC 1122 4.2.2.17: probe the zero window. Like Linux, the probe carries an old
     * sequence number so it cannot be taken as data, and the peer must answer with an ACK.
     */
    void sendWindowProbe(long now) {
        counters.persistProbes++;
        zeroWindowProbes.probeSent();
        transmitControl(now, sndUna - 1, TcpFlags.ACK);
    }

    void persistTimeout(long now) {
        if (!hasUnsentData()) {
            persistBackoff = 0;
            return;
        }
        if (usableWindow() > 0) {
            // The window opened but was too small to pass sender SWS avoidance: the override timeout
            // of RFC 1122 4.2.3.4 sends what fits.
            persistBackoff = 0;
            output(now, true);
            return;
        }
        if (conn.retransmissionTimeout.probingGaveUp(now, persistInterval())) {
            return;
        }
        sendWindowProbe(now);
        persistBackoff++;
        armPersistTimer(now);
    }

    /** The persist timer's backed-off interval, capped at the RTO maximum like Linux's probe timer. */
    long persistInterval() {
        long interval = Math.min(conn.config().rtoMaxNanos(), conn.rtt.rto() << Math.min(persistBackoff, 20));
        return Math.max(interval, conn.config().rtoMinNanos());
    }

    void armPersistTimer(long now) {
        conn.timers.arm(Kind.PERSIST, conn.capByUserTimeout(now + persistInterval()));
    }

    /** Header-less segment size the peer, our config and the path take (RFC 9293 §3.7.1, RFC 1191). */
    int segmentSizeLimit() {
        return Math.min(Math.min(peerMss, conn.config().mss()), pathMss);
    }

    /** Builds and hands out one segment carrying our current ACK and window. */
    void emit(long now, int seq, int flags, TcpOptions options, ByteBuf payload) {
        int window = 0;
        int ack = 0;
        if ((flags & TcpFlags.ACK) != 0) {
            ack = conn.rcv.rcvNxt;
            window = conn.rcv.ackSent();
        }
        writer.send(seq, ack, flags, window, options, payload);
    }

    void sendReset(long now) {
        counters.resetsSent++;
        emit(now, sndMax, TcpFlags.RST | TcpFlags.ACK, conn.tsOn ? TcpOptions.timestamps(conn.tsClock(now), conn.rcv.tsRecent) : TcpOptions.NONE, null);
    }
}
