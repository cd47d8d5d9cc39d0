package org.nbstack.tcp.link;

import io.netty.buffer.ByteBuf;

/**
 * The cheap structural check a link makes before handing a datagram to the engine as an IPv4/TCP
 * packet. Checksums and TCP options are left to the engine's codec, which counts its own drops.
 */
final class Ipv4TcpCheck {
    private static final int IPV4_MIN_HEADER = 20;
    private static final int TCP_MIN_HEADER = 20;
    private static final int PROTOCOL_TCP = 6;
    /** The shortest IPv4/TCP packet: both headers without options. */
    static final int MIN_PACKET = IPV4_MIN_HEADER + TCP_MIN_HEADER;

    private Ipv4TcpCheck() {
    }

    /** Null when {@code p} (its readable bytes) looks like one IPv4/TCP packet; otherwise why not. */
    static UdpDropReason check(ByteBuf p) {
        int len = p.readableBytes();
        if (len < IPV4_MIN_HEADER + TCP_MIN_HEADER) {
            return UdpDropReason.TOO_SHORT;
        }
        int at = p.readerIndex();
        int versionIhl = p.getUnsignedByte(at);
        if (versionIhl >>> 4 != 4) {
            return UdpDropReason.NOT_IPV4;
        }
        if (p.getUnsignedByte(at + 9) != PROTOCOL_TCP) {
            return UdpDropReason.NOT_TCP;
        }
        int ihl = (versionIhl & 0x0f) * 4;
        if (ihl < IPV4_MIN_HEADER || ihl + TCP_MIN_HEADER > len) {
            return UdpDropReason.BAD_HEADER_LENGTH;
        }
        if (p.getUnsignedShort(at + 2) != len) {
            return UdpDropReason.LENGTH_MISMATCH;
        }
        return null;
    }

    /** The destination address field of an IPv4 packet. */
    static int destination(ByteBuf p) {
        return p.getInt(p.readerIndex() + 16);
    }
}
