package org.nbstack.tcp.sim;

import io.netty.buffer.ByteBuf;
import java.util.function.Predicate;
import org.nbstack.tcp.wire.TcpFlags;

/**
 * Reads IPv4 and TCP header fields straight from a raw packet (its readable bytes), without the codec,
 * so that {@link SimPacketFilter}s can pick packets cheaply. IHL-aware: the TCP header starts after the
 * IPv4 options. Nothing is validated beyond the lengths needed to read a field.
 */
public final class SimPackets {
    private static final int IP_PROTOCOL_TCP = 6;

    private SimPackets() {
    }

    /** Destination address (header bytes 16..19), the one the world routes by. */
    public static int dstAddress(ByteBuf packet) {
        return packet.getInt(packet.readerIndex() + 16);
    }

    public static int srcAddress(ByteBuf packet) {
        return packet.getInt(packet.readerIndex() + 12);
    }

    /** IPv4 header length in bytes (IHL * 4). */
    public static int ipHeaderLength(ByteBuf packet) {
        return (packet.getByte(packet.readerIndex()) & 0x0f) * 4;
    }

    /** True when the packet is IPv4 carrying TCP and long enough to hold both fixed headers. */
    public static boolean isTcp(ByteBuf packet) {
        int start = packet.readerIndex();
        int length = packet.readableBytes();
        return length >= 20
                && (packet.getByte(start) & 0xf0) == 0x40
                && packet.getUnsignedByte(start + 9) == IP_PROTOCOL_TCP
                && length >= ipHeaderLength(packet) + 20;
    }

    /** The TCP flags byte (see {@link TcpFlags}), or -1 when the packet is not TCP. */
    public static int tcpFlags(ByteBuf packet) {
        return isTcp(packet) ? packet.getUnsignedByte(tcp(packet) + 13) : -1;
    }

    /** True when the packet is TCP and every flag in {@code flags} is set. */
    public static boolean hasTcpFlags(ByteBuf packet, int flags) {
        int f = tcpFlags(packet);
        return f >= 0 && (f & flags) == flags;
    }

    /** A predicate for {@link SimPacketFilter#dropFirst}: TCP packets with every flag in {@code flags} set. */
    public static Predicate<ByteBuf> withTcpFlags(int flags) {
        return packet -> hasTcpFlags(packet, flags);
    }

    public static int srcPort(ByteBuf packet) {
        return packet.getUnsignedShort(tcp(packet));
    }

    public static int dstPort(ByteBuf packet) {
        return packet.getUnsignedShort(tcp(packet) + 2);
    }

    public static int tcpSeq(ByteBuf packet) {
        return packet.getInt(tcp(packet) + 4);
    }

    public static int tcpAck(ByteBuf packet) {
        return packet.getInt(tcp(packet) + 8);
    }

    /** Payload bytes after the TCP header (data offset aware). */
    public static int tcpPayloadLength(ByteBuf packet) {
        int tcpHeader = (packet.getUnsignedByte(tcp(packet) + 12) >>> 4) * 4;
        return packet.readableBytes() - ipHeaderLength(packet) - tcpHeader;
    }

    /**
     * The sequence number just past this segment: seq + payload + 1 for SYN + 1 for FIN (RFC 9293 §3.4).
     * The ACK that acknowledges the whole segment carries this number.
     */
    public static int tcpSeqEnd(ByteBuf packet) {
        int flags = tcpFlags(packet);
        int syn = (flags & TcpFlags.SYN) != 0 ? 1 : 0;
        int fin = (flags & TcpFlags.FIN) != 0 ? 1 : 0;
        return tcpSeq(packet) + tcpPayloadLength(packet) + syn + fin;
    }

    private static int tcp(ByteBuf packet) {
        return packet.readerIndex() + ipHeaderLength(packet);
    }
}
