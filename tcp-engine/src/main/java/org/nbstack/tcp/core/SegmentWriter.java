package org.nbstack.tcp.core;

import io.netty.buffer.ByteBuf;
import org.nbstack.tcp.wire.TcpFlags;
import org.nbstack.tcp.wire.TcpOptions;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * Builds the segments TCP sends, for a connection and for the stack alike: the options of a SYN and of a data
 * segment, the timestamp clock, and the RST forms. An instance writes one connection's segments (its 4-tuple,
 * its timestamp offset); the static methods serve the stack, which answers without a connection (SYN cookies,
 * resets for unknown connections).
 */
public final class SegmentWriter {
    /** Length of the timestamps option as sent on data segments: NOP, NOP, TS (RFC 7323 Appendix A). */
    static final int TS_OPTION_BYTES = 12;
    private static final int MAX_OPTION_BYTES = 40;
    private static final int[] NO_EDGES = new int[0];

    private final ConnectionId id;
    private final SegmentOutput output;
    private final TcpCounters counters;
    private final int tsOffset;

    SegmentWriter(ConnectionId id, SegmentOutput output, TcpCounters counters, int tsOffset) {
        this.id = id;
        this.output = output;
        this.counters = counters;
        this.tsOffset = tsOffset;
    }

    /** RFC 7323 §5.4: a 1 ms timestamp clock with a per-connection offset. */
    public static int timestampClock(long now, int offset) {
        return (int) (now / 1_000_000L) + offset;
    }

    /** This connection's timestamp clock at {@code now}: the TSval it sends. */
    int tsClock(long now) {
        return timestampClock(now, tsOffset);
    }

    /** The connection's timestamp offset, which the peer's TSecr echoes back on top of our clock. */
    int tsOffset() {
        return tsOffset;
    }

    /**
     * The options of a SYN or SYN-ACK: our MSS, and the window scale (or -1), SACK-permitted and timestamps
     * the handshake offers.
     */
    public static TcpOptions synOptions(int mss, int windowScale, boolean sackPermitted, boolean timestamps,
            int tsVal, int tsEcr) {
        return new TcpOptions(mss, windowScale, sackPermitted, timestamps, tsVal, tsEcr, NO_EDGES);
    }

    /** The options of a segment after the handshake: timestamps if negotiated, and {@code blocks} SACK blocks. */
    static TcpOptions dataOptions(boolean timestamps, int tsVal, int tsEcr, int[] sackEdges, int blocks) {
        if (!timestamps && blocks == 0) {
            return TcpOptions.NONE;
        }
        int[] edges = blocks == 0 ? NO_EDGES : java.util.Arrays.copyOf(sackEdges, 2 * blocks);
        return new TcpOptions(-1, -1, false, timestamps, timestamps ? tsVal : 0, timestamps ? tsEcr : 0, edges);
    }

    /** Bytes the options of a data segment take from its MSS (RFC 6691). */
    static int optionLength(TcpOptions o) {
        int n = 0;
        if (o.hasTimestamps) n += TS_OPTION_BYTES;
        if (o.sackBlockCount() > 0) n += 4 + 8 * o.sackBlockCount(); // NOP, NOP, kind, len, blocks
        return Math.min(n, MAX_OPTION_BYTES);
    }

    /**
     * The reset answering {@code seg} (RFC 9293 §3.10.7.1 and §3.10.7.3): SEQ = SEG.ACK when it carries an ACK,
     * else SEQ = 0 with ACK = SEG.SEQ + SEG.LEN. Sent from the address and port {@code seg} was sent to.
     */
    public static TcpSegment resetFor(TcpSegment seg) {
        return seg.has(TcpFlags.ACK)
                ? new TcpSegment(seg.dstAddr, seg.srcAddr, seg.dstPort, seg.srcPort, seg.ack, 0, TcpFlags.RST, 0,
                        TcpOptions.NONE, null)
                : new TcpSegment(seg.dstAddr, seg.srcAddr, seg.dstPort, seg.srcPort, 0, seg.seq + seg.seqLength(),
                        TcpFlags.RST | TcpFlags.ACK, 0, TcpOptions.NONE, null);
    }

    /** Hands out one segment of this connection; the output takes ownership of {@code payload}. */
    void send(int seq, int ack, int flags, int window, TcpOptions options, ByteBuf payload) {
        counters.segmentsSent++;
        output.send(new TcpSegment(id.localAddr(), id.remoteAddr(), id.localPort(), id.remotePort(), seq, ack, flags,
                window, options, payload));
    }

    /** Answers an unacceptable ACK of this connection with a reset, SEQ = SEG.ACK (RFC 9293 §3.10.7.3). */
    void sendResetFor(TcpSegment unacceptableAck) {
        counters.resetsSent++;
        output.send(new TcpSegment(id.localAddr(), id.remoteAddr(), id.localPort(), id.remotePort(),
                unacceptableAck.ack, 0, TcpFlags.RST, 0, TcpOptions.NONE, null));
    }
}
