package org.nbstack.tcp.sim;

import io.netty.buffer.ByteBuf;
import org.nbstack.tcp.wire.DropCounters;
import org.nbstack.tcp.wire.PacketCodec;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * The default trace rendering: the tcpdump-like line of {@link TcpSegment#toString()}, or
 * {@code undecodable (len N)} for a packet the codec drops (a corrupted one, for instance).
 */
final class TcpPacketFormatter implements SimPacketFormatter {
    private final DropCounters ignoredDrops = new DropCounters();

    @Override
    public String describe(ByteBuf packet) {
        TcpSegment segment;
        try {
            // A duplicate, so that decoding cannot move the indexes of the packet in flight.
            segment = PacketCodec.decode(packet.duplicate(), ignoredDrops);
        } catch (RuntimeException e) {
            // The trace must never change the outcome of a run, whatever the codec does.
            segment = null;
        }
        if (segment == null) {
            return "undecodable (len " + packet.readableBytes() + ")";
        }
        try {
            return segment.toString();
        } finally {
            segment.release();
        }
    }
}
