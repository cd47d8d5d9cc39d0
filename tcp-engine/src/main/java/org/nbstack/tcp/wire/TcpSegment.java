package org.nbstack.tcp.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * One TCP segment with the IPv4 addresses it travels between. The payload is a reference-counted
 * slice owned by whoever holds the segment: the receiver of a segment releases it (or passes it on).
 * Addresses are IPv4 as big-endian ints; ports, window and flags are unsigned values in ints.
 */
public final class TcpSegment {
    public final int srcAddr;
    public final int dstAddr;
    public final int srcPort;
    public final int dstPort;
    public final int seq;
    public final int ack;
    public final int flags;
    /** The raw 16-bit window field, before window scaling. */
    public final int window;
    public final TcpOptions options;
    public final ByteBuf payload;

    public TcpSegment(int srcAddr, int dstAddr, int srcPort, int dstPort, int seq, int ack, int flags, int window,
            TcpOptions options, ByteBuf payload) {
        this.srcAddr = srcAddr;
        this.dstAddr = dstAddr;
        this.srcPort = srcPort;
        this.dstPort = dstPort;
        this.seq = seq;
        this.ack = ack;
        this.flags = flags;
        this.window = window;
        this.options = options == null ? TcpOptions.NONE : options;
        this.payload = payload == null ? Unpooled.EMPTY_BUFFER : payload;
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    public int payloadLength() {
        return payload.readableBytes();
    }

    /** Sequence space the segment occupies: payload bytes plus one each for SYN and FIN (RFC 9293 §3.4). */
    public int seqLength() {
        return payloadLength() + (has(TcpFlags.SYN) ? 1 : 0) + (has(TcpFlags.FIN) ? 1 : 0);
    }

    public void release() {
        payload.release();
    }

    /** One tcpdump-like line: {@code 10.0.0.1.40000 > 10.0.0.2.139: Flags [S.], seq 1:1, ack 5, win 65535, options [...], length 0}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(128);
        Ipv4.append(sb, srcAddr).append('.').append(srcPort).append(" > ");
        Ipv4.append(sb, dstAddr).append('.').append(dstPort).append(": Flags [").append(TcpFlags.describe(flags))
                .append("], seq ").append(Integer.toUnsignedString(seq));
        if (payloadLength() > 0) {
            sb.append(':').append(Integer.toUnsignedString(seq + payloadLength()));
        }
        if (has(TcpFlags.ACK)) {
            sb.append(", ack ").append(Integer.toUnsignedString(ack));
        }
        sb.append(", win ").append(window);
        if (!options.isEmpty()) {
            sb.append(", options ").append(options);
        }
        return sb.append(", length ").append(payloadLength()).toString();
    }
}
