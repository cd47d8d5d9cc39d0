package org.nbstack.tcp.core;

import io.netty.buffer.ByteBuf;
import org.nbstack.tcp.core.ConnectionTimers.Kind;
import org.nbstack.tcp.wire.TcpFlags;
import org.nbstack.tcp.wire.TcpOptions;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * The receive side of a connection (RFC 9293 §3.3.1 RCV.* variables, §3.10.7.4 first and seventh steps): segment
 * acceptability, PAWS and TS.Recent (RFC 7323 §5), in-order delivery and reassembly, delayed ACK (RFC 1122
 * 4.2.3.2, RFC 5681 §4.2), D-SACK reporting (RFC 2883) and the window we advertise (receiver SWS avoidance,
 * RFC 9293 §3.8.6.2.2). The connection drives it in the RFC's order; it decides nothing about state changes.
 */
final class Receiver {
    /** RFC 7323 §5.5: TS.Recent is invalid after 24 days of idleness. */
    private static final long PAWS_IDLE_LIMIT_NANOS = 24L * 24 * 3600 * 1_000_000_000L;

    /** What the acceptability test (RFC 9293 §3.10.7.4, first step) makes of a segment. */
    enum Acceptability {
        /** Dropped; a (rate-limited) ACK answers it unless it is a RST. */
        UNACCEPTABLE,
        /** Its sequence space is within the window. */
        ACCEPTABLE,
        /** At RCV.NXT of a zero window: its ACK, RST and URG count, its data does not. */
        CONTROL_ONLY
    }

    private final TcpConnection conn;
    private final TcpCounters counters;
    final ReassemblyQueue reassembly;
    /** The shard's scratch arrays for the SACK option of the ACK being built (ShardResources). */
    private final int[] sackScratch;
    private final int[] sackEdges;
    // RFC 2883 D-SACK: a duplicate data range received, reported once as the first SACK block of the next ACK.
    private boolean dsackPending;
    private int dsackLeft;
    private int dsackRight;

    // Receive sequence variables.
    int irs;
    int rcvNxt;
    int rcvAdvRight;
    int rcvWscale;
    int unreadBytes;
    int largestSegmentReceived;
    boolean peerFinPending;
    int peerFinSeq;

    // RFC 7323 timestamps: the peer's TS.Recent and the Last.ACK.sent it is taken against.
    int tsRecent;
    long tsRecentAge;
    boolean tsRecentValid;
    int lastAckSent;

    // Delayed ACK (RFC 1122 4.2.3.2, RFC 5681 §4.2).
    boolean ackNow;
    int bytesSinceAck;

    Receiver(TcpConnection conn, ShardResources resources, MemoryAccount memory) {
        this.conn = conn;
        this.sackScratch = resources.sackScratch();
        this.sackEdges = resources.sackEdges();
        this.counters = resources.counters();
        this.reassembly = new ReassemblyQueue(resources, memory, ReassemblyQueue.DEFAULT_MAX_PIECES);
    }

    /**
     * RFC 7323 §5.3 R1 PAWS: whether {@code seg} carries a timestamp older than TS.Recent and is dropped, answered
     * by a rate-limited duplicate ACK (Linux tcp_invalid_ratelimit). A TS.Recent idle beyond 24 days is forgotten
     * instead (§5.5).
     */
    boolean pawsRejects(long now, TcpSegment seg) {
        if (!conn.tsOn || !seg.options.hasTimestamps || !tsRecentValid || seg.has(TcpFlags.RST)
                || !Seq.lt(seg.options.tsVal, tsRecent)) {
            return false;
        }
        if (now - tsRecentAge > PAWS_IDLE_LIMIT_NANOS) {
            tsRecentValid = false; // RFC 7323 §5.5
            return false;
        }
        counters.pawsRejected++;
        if (seg.payloadLength() > 0) {
            noteDuplicate(seg.seq, seg.seq + seg.payloadLength()); // like Linux's tcp_send_dupack
        }
        ackNow = conn.invalidAcks.allowDuplicateAck(now, seg); // Linux tcp_invalid_ratelimit
        return true;
    }

    /** The sequence number acceptability test (RFC 9293 §3.10.7.4 table); an unacceptable segment is answered here. */
    Acceptability acceptability(long now, TcpSegment seg) {
        boolean rst = seg.has(TcpFlags.RST);
        int segLen = seg.seqLength();
        int rcvWnd = Math.max(0, rcvAdvRight - rcvNxt);
        boolean acceptable;
        boolean dataFitsWindow = true;
        if (segLen == 0) {
            // Like Linux (tcp_sequence), a dataless segment at exactly the right edge is accepted: a peer
            // that filled our window sends its ACKs with SEQ = RCV.NXT + RCV.WND, and refusing them can
            // deadlock two ends that each wait for the other's acknowledgment.
            acceptable = Seq.between(seg.seq, rcvNxt, rcvNxt + rcvWnd);
        } else if (rcvWnd == 0) {
            // A zero window accepts no data, but the ACK, RST and URG in it still count (§3.10.7.4).
            acceptable = seg.seq == rcvNxt;
            dataFitsWindow = false;
        } else {
            acceptable = Seq.inWindow(seg.seq, rcvNxt, rcvNxt + rcvWnd)
                    || Seq.inWindow(seg.seq + segLen - 1, rcvNxt, rcvNxt + rcvWnd);
        }
        if (!acceptable) {
            counters.unacceptableSegments++;
            if (!rst && seg.payloadLength() > 0) {
                noteDuplicate(seg.seq, seg.seq + seg.payloadLength());
            }
            if (!rst) {
                // RFC 5961 §4.2: an out-of-window SYN gets a challenge ACK; others a rate-limited duplicate ACK.
                ackNow = seg.has(TcpFlags.SYN) ? conn.invalidAcks.allowChallengeAck(now)
                        : conn.invalidAcks.allowDuplicateAck(now, seg);
            }
            return Acceptability.UNACCEPTABLE;
        }
        return dataFitsWindow ? Acceptability.ACCEPTABLE : Acceptability.CONTROL_ONLY;
    }

    /**
     * RFC 7323 §4.3 (3): remember the timestamp of the segment that covers Last.ACK.sent. After the RFC 7323 §5.5
     * invalidation any timestamp is newer than the forgotten TS.Recent.
     */
    void updateTsRecent(long now, TcpSegment seg) {
        if (conn.tsOn && seg.options.hasTimestamps && (!tsRecentValid || Seq.ge(seg.options.tsVal, tsRecent))
                && Seq.le(seg.seq, lastAckSent)) {
            tsRecent = seg.options.tsVal;
            tsRecentAge = now;
            tsRecentValid = true;
        }
    }

    /**
     * The application read {@code bytes}. Returns whether the window opened enough to announce it at once
     * (RFC 9293 §3.8.6.2.2: only when it is worth a segment; else the next ACK carries it).
     */
    boolean read(int bytes) {
        int before = currentWindow();
        unreadBytes = Math.max(0, unreadBytes - bytes);
        int after = freeReceiveSpace();
        int mss = receiveMssEstimate();
        return before < 2 * mss && after - before >= Math.min(conn.config().receiveBuffer() / 2, 2 * mss);
    }

    /** In-order and out-of-order data (RFC 9293 §3.10.7.4 seventh step). */
    void receiveText(long now, TcpSegment seg) {
        ByteBuf payload = seg.payload;
        int seq = seg.seq;
        int len = payload.readableBytes();
        int begin = 0;
        if (Seq.lt(seq, rcvNxt)) {
            begin = rcvNxt - seq; // already received: trim the front
            noteDuplicate(seq, seq + len);
        }
        int end = len;
        int rightEdge = rcvAdvRight;
        if (Seq.gt(seq + len, rightEdge)) {
            end = Math.max(begin, rightEdge - seq); // beyond the window: trim the tail
        }
        if (end <= begin) {
            ackNow = true;
            return;
        }
        if (len > largestSegmentReceived) {
            largestSegmentReceived = len;
        }
        int start = seq + begin;
        ByteBuf piece = payload.retainedSlice(payload.readerIndex() + begin, end - begin);
        if (start == rcvNxt) {
            boolean hadHoles = !reassembly.isEmpty();
            deliver(piece);
            while (!reassembly.isEmpty()) {
                ByteBuf next = reassembly.pollInOrder(rcvNxt);
                if (next == null) {
                    break;
                }
                deliver(next);
            }
            if (hadHoles) {
                ackNow = true; // RFC 5681 §4.2: ACK at once when a hole is filled
            } else {
                bytesSinceAck += end - begin;
                if (bytesSinceAck >= 2 * receiveMssEstimate()) {
                    ackNow = true; // RFC 5681 §4.2: ACK at least every second full-sized segment
                } else if (!conn.timers.isArmed(Kind.DELAYED_ACK)) {
                    conn.timers.arm(Kind.DELAYED_ACK, now + conn.config().delayedAckNanos());
                }
            }
        } else {
            counters.outOfOrderSegments++;
            if (!reassembly.insert(start, piece, conn.config().maxOutOfOrderBytes())) {
                counters.outOfOrderDropped++;
            }
            ackNow = true; // RFC 5681 §4.2: out-of-order data is acknowledged at once (with SACK)
        }
    }

    void deliver(ByteBuf data) {
        int n = data.readableBytes();
        rcvNxt += n;
        unreadBytes += n;
        conn.events.onData(conn, data);
    }

    /** RFC 2883 §4: remembers the part of [left, right) below RCV.NXT for a D-SACK block. */
    void noteDuplicate(int left, int right) {
        right = Seq.min(right, rcvNxt);
        if (conn.sackOn && Seq.lt(left, right) && Seq.lt(rcvNxt - left, 1 << 30)) {
            dsackPending = true;
            dsackLeft = left;
            dsackRight = right;
        }
    }

    /**
     * The window field to send: the free receive space (with receiver SWS avoidance, RFC 9293
     * §3.8.6.2.2), scaled down (RFC 7323 §2.3), and never shrinking the right edge already offered.
     */
    int windowField() {
        int free = freeReceiveSpace();
        int promised = Math.max(0, rcvAdvRight - rcvNxt);
        int mss = receiveMssEstimate();
        if (free - promised < Math.min(conn.config().receiveBuffer() / 2, mss)) {
            free = promised; // do not advance the right edge by less than a segment
        }
        int wnd = Math.max(free, promised);
        int field = wnd >>> rcvWscale;
        if ((field << rcvWscale) < promised) {
            field++; // round up rather than shrink
        }
        if (field > 0xffff) {
            field = 0xffff;
        }
        rcvAdvRight = rcvNxt + (field << rcvWscale);
        return field;
    }

    /** An ACK of RCV.NXT goes out now, and any delayed ACK is served by it; returns the window field it carries. */
    int ackSent() {
        int window = windowField();
        lastAckSent = rcvNxt;
        ackNow = false;
        bytesSinceAck = 0;
        conn.timers.stop(Kind.DELAYED_ACK);
        return window;
    }

    int currentWindow() {
        return Math.max(0, rcvAdvRight - rcvNxt);
    }

    int freeReceiveSpace() {
        return Math.max(0, conn.config().receiveBuffer() - unreadBytes - reassembly.bytes());
    }

    int receiveMssEstimate() {
        return Math.max(Math.min(conn.config().mss(), Math.max(largestSegmentReceived, Negotiation.DEFAULT_PEER_MSS)), 1);
    }

    /** RFC 2018 §8: a receiver may discard out-of-order data; its SACK blocks are no longer reported. */
    void pruneOutOfOrder() {
        reassembly.releaseAll();
    }

    /** Where this end builds the SACK option of an ACK: the shard's scratch array, not one of its own. */
    int[] sackEdges() {
        return sackEdges;
    }

    TcpOptions dataOptions(long now) {
        int blocks = 0;
        if (conn.sackOn && (dsackPending || !reassembly.isEmpty())) {
            int maxBlocks = conn.tsOn ? 3 : 4; // RFC 2018 §3: 40 option bytes, 10 taken by timestamps
            if (dsackPending) {
                // RFC 2883 §4: the duplicate first, then the usual blocks; sent once.
                dsackPending = false;
                blocks = reassembly.sackBlocks(sackScratch, maxBlocks - 1);
                System.arraycopy(sackScratch, 0, sackEdges, 2, 2 * blocks);
                sackEdges[0] = dsackLeft;
                sackEdges[1] = dsackRight;
                blocks++;
            } else {
                blocks = reassembly.sackBlocks(sackEdges, maxBlocks);
            }
        }
        return SegmentWriter.dataOptions(conn.tsOn, conn.tsOn ? conn.tsClock(now) : 0, tsRecent, sackEdges, blocks);
    }
}
