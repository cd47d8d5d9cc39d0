package org.nbstack.tcp.core;

import org.nbstack.tcp.wire.TcpFlags;
import org.nbstack.tcp.wire.TcpOptions;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * The three-way handshake's own work (RFC 9293 §3.5): sending our SYN or SYN-ACK with the options to offer,
 * taking the peer's SYN (its ISN, window and options, RFC 7323 and RFC 2018), adopting what was negotiated
 * (also when a SYN cookie, RFC 4987 §3.6, stands in for the SYN) and the send window a SYN-ACK or the
 * handshake's last ACK sets. The connection decides when, in the arrival order of RFC 9293 §3.10.7, and makes
 * the state changes.
 */
final class Handshake {
    /**
     * The smallest peer MSS we honour, as Linux's tcp_min_snd_mss (CVE-2019-11479): room for the full 40 bytes
     * of options and 8 bytes of data. A smaller MSS option would make us send tiny segments at great cost.
     */
    static final int MIN_PEER_MSS = 48;

    private final TcpConnection conn;
    private final Receiver rcv;
    private final Sender snd;

    Handshake(TcpConnection conn) {
        this.conn = conn;
        this.rcv = conn.rcv;
        this.snd = conn.snd;
    }

    /** Sends our SYN (active open) or SYN-ACK and (re)starts the retransmission timer. */
    void sendSyn(long now, boolean withAck) {
        TcpConfig config = conn.config();
        int scale = config.effectiveWindowScale();
        // A SYN offers everything configured; a SYN-ACK only what the peer's SYN offered (RFC 7323 §1.3, RFC 2018 §2).
        TcpOptions options = SegmentWriter.synOptions(config.mss(), !withAck || snd.peerOfferedWindowScale ? scale : -1,
                config.sack() && (!withAck || conn.sackOn), config.timestamps() && (!withAck || conn.tsOn),
                conn.tsClock(now), withAck ? rcv.tsRecent : 0);
        int window = Math.min(rcv.freeReceiveSpace(), 0xffff); // RFC 7323 §2.2: unscaled in a SYN
        if (withAck) {
            rcv.rcvAdvRight = rcv.rcvNxt + window;
            rcv.lastAckSent = rcv.rcvNxt;
            rcv.ackNow = false;
        }
        int iss = conn.iss();
        conn.writer.send(iss, withAck ? rcv.rcvNxt : 0, TcpFlags.SYN | (withAck ? TcpFlags.ACK : 0), window, options,
                null);
        snd.sndNxt = iss + 1;
        if (Seq.gt(snd.sndNxt, snd.sndMax)) {
            snd.sndMax = snd.sndNxt;
        }
        conn.armRetransmitTimer(now);
    }

    /** Records what the peer's SYN tells: its ISN, MSS, window scale, timestamps and SACK permission. */
    void takePeerSyn(long now, TcpSegment syn) {
        rcv.irs = syn.seq;
        rcv.rcvNxt = syn.seq + 1;
        rcv.rcvAdvRight = rcv.rcvNxt;
        rcv.lastAckSent = rcv.rcvNxt;
        adopt(now, Negotiation.fromSyn(conn.config(), syn.options), syn.options.tsVal);
        snd.sndWnd = syn.window; // RFC 7323 §2.2: the window in a SYN is not scaled
        snd.sndWl1 = syn.seq;
        snd.maxSndWnd = snd.sndWnd;
    }

    /**
     * The state a SYN cookie's connection would have had in SYN_RECEIVED: the peer's ISN from the ACK that
     * brought the cookie, what the cookie kept of the SYN's options, and our SYN-ACK as sent.
     */
    void restoreFromCookie(long now, TcpSegment ack, Negotiation negotiated, int synAckWindow) {
        rcv.irs = ack.seq - 1;
        rcv.rcvNxt = ack.seq;
        rcv.rcvAdvRight = ack.seq + synAckWindow;
        rcv.lastAckSent = ack.seq;
        adopt(now, negotiated, ack.options.tsVal);
        snd.sndNxt = conn.iss() + 1;
        snd.sndMax = conn.iss() + 1;
    }

    /** The send window from the peer's SYN-ACK (RFC 7323 §2.2: not scaled). */
    void takeSynAckWindow(TcpSegment seg) {
        snd.sndWnd = seg.window;
        snd.sndWl1 = seg.seq;
        snd.sndWl2 = seg.ack;
        snd.maxSndWnd = snd.sndWnd;
    }

    /** The send window from the handshake's last ACK, the first scaled one. */
    void takeFinalAckWindow(TcpSegment seg) {
        snd.sndWnd = seg.window << snd.sndWscale;
        snd.sndWl1 = seg.seq;
        snd.sndWl2 = seg.ack;
        snd.maxSndWnd = Math.max(snd.maxSndWnd, snd.sndWnd);
    }

    /** Takes what the handshake settled; the peer's {@code tsVal} starts TS.Recent when timestamps are on. */
    private void adopt(long now, Negotiation negotiated, int tsVal) {
        snd.peerMss = boundedPeerMss(negotiated.peerMss());
        snd.peerOfferedWindowScale = negotiated.windowScaling();
        snd.sndWscale = negotiated.sendWindowScale();
        rcv.rcvWscale = negotiated.receiveWindowScale(conn.config());
        conn.tsOn = negotiated.timestamps();
        if (conn.tsOn) {
            rcv.tsRecent = tsVal;
            rcv.tsRecentAge = now;
            rcv.tsRecentValid = true;
        }
        conn.sackOn = negotiated.sack();
        conn.recovery = conn.sackOn ? new SackRecovery(conn) : new NewRenoRecovery(conn);
    }

    private int boundedPeerMss(int advertised) {
        if (advertised < MIN_PEER_MSS) {
            conn.counters.peerMssClamped++;
            return MIN_PEER_MSS;
        }
        return advertised;
    }
}
