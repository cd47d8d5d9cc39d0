package org.nbstack.tcp.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

/**
 * IPv4 + TCP encoding and decoding (RFC 791, RFC 9293 §3.1) with header and pseudo-header checksums.
 * Nothing from the wire throws out of {@link #decode}: malformed input is dropped and counted.
 */
public final class PacketCodec {
    public static final int IPV4_HEADER_LENGTH = 20;
    public static final int TCP_HEADER_LENGTH = 20;
    public static final int IP_PROTOCOL_TCP = 6;
    /** TTL of every packet the engine sends, as Linux's default (net.ipv4.ip_default_ttl). */
    public static final int DEFAULT_TTL = 64;
    /** Largest IPv4 packet: the 16-bit total length field. */
    public static final int MAX_PACKET_LENGTH = 0xffff;

    private static final int IP_VERSION = 4;
    private static final int FLAG_DONT_FRAGMENT = 0x4000;
    /** More-fragments bit and the 13-bit fragment offset, in the second header word's low half. */
    private static final int FRAGMENT_MASK = 0x3fff;

    private PacketCodec() {
    }

    /**
     * Decodes one IPv4 packet (readable bytes of {@code packet}). Returns the segment, whose payload is a
     * retained slice of {@code packet}, or null when the packet is dropped (the reason counted in
     * {@code drops}). Never releases {@code packet}; never throws for any input.
     *
     * <p>A segment without payload gets {@link Unpooled#EMPTY_BUFFER} instead of an empty slice, so that
     * pure ACKs do not keep the packet alive; releasing it is harmless. Bytes after the IPv4 total length
     * (link-layer padding) are ignored; IPv4 options are skipped.
     */
    public static TcpSegment decode(ByteBuf packet, DropCounters drops) {
        return decode(packet, drops, true);
    }

    /**
     * As {@link #decode(ByteBuf, DropCounters)}; with {@code verifyChecksum} false the TCP checksum is not
     * looked at, for packets from a link that guarantees their integrity (whose sender did not compute it).
     * The IPv4 header checksum is always verified: it is 20 octets, and it guards the addresses the
     * pseudo-header would have.
     */
    public static TcpSegment decode(ByteBuf packet, DropCounters drops, boolean verifyChecksum) {
        int base = packet.readerIndex();
        int ipHeaderLength = checkIpv4Header(packet, drops);
        if (ipHeaderLength < 0) {
            return null;
        }
        int totalLength = packet.getUnsignedShort(base + 2);
        int idFragment = packet.getInt(base + 4);
        int ttlProtocolChecksum = packet.getInt(base + 8);
        int srcAddr = packet.getInt(base + 12);
        int dstAddr = packet.getInt(base + 16);
        if ((idFragment & FRAGMENT_MASK) != 0) {
            return drop(drops, DropReason.FRAGMENT);
        }
        if ((ttlProtocolChecksum >>> 16 & 0xff) != IP_PROTOCOL_TCP) {
            return drop(drops, DropReason.NOT_TCP);
        }

        int tcpStart = base + ipHeaderLength;
        int tcpLength = totalLength - ipHeaderLength;
        if (tcpLength < TCP_HEADER_LENGTH) {
            return drop(drops, DropReason.SHORT_TCP_HEADER);
        }
        int offsetFlagsWindow = packet.getInt(tcpStart + 12);
        int tcpHeaderLength = (offsetFlagsWindow >>> 28) * 4;
        if (tcpHeaderLength < TCP_HEADER_LENGTH || tcpHeaderLength > tcpLength) {
            return drop(drops, DropReason.BAD_DATA_OFFSET);
        }
        // RFC 9293 §3.1: the checksum covers the pseudo-header, the TCP header and the data.
        if (verifyChecksum && !Checksum.verifies(
                Checksum.add(Checksum.pseudoHeader(srcAddr, dstAddr, tcpLength), packet, tcpStart, tcpLength))) {
            return drop(drops, DropReason.BAD_TCP_CHECKSUM);
        }
        TcpOptions options = OptionsCodec.read(packet, tcpStart + TCP_HEADER_LENGTH, tcpStart + tcpHeaderLength,
                drops);
        if (options == null) {
            return null; // counted by the options reader
        }
        int ports = packet.getInt(tcpStart);
        int seq = packet.getInt(tcpStart + 4);
        int ack = packet.getInt(tcpStart + 8);
        int payloadLength = tcpLength - tcpHeaderLength;
        ByteBuf payload = payloadLength == 0 ? Unpooled.EMPTY_BUFFER
                : packet.retainedSlice(tcpStart + tcpHeaderLength, payloadLength);
        return new TcpSegment(srcAddr, dstAddr, ports >>> 16, ports & 0xffff, seq, ack,
                offsetFlagsWindow >>> 16 & 0xff, offsetFlagsWindow & 0xffff, options, payload);
    }

    /**
     * Checks the IPv4 header of {@code packet} (version, IHL, total length against the bytes present, header
     * checksum) and returns its length in bytes, or -1 with the reason counted in {@code drops}. Never throws.
     */
    public static int checkIpv4Header(ByteBuf packet, DropCounters drops) {
        int base = packet.readerIndex();
        int available = packet.readableBytes();
        if (available < IPV4_HEADER_LENGTH) {
            return dropHeader(drops, DropReason.SHORT_IP_HEADER);
        }
        int versionLengths = packet.getInt(base); // version, IHL, TOS, total length
        if (versionLengths >>> 28 != IP_VERSION) {
            return dropHeader(drops, DropReason.NOT_IPV4);
        }
        int ipHeaderLength = (versionLengths >>> 24 & 0xf) * 4;
        if (ipHeaderLength < IPV4_HEADER_LENGTH || ipHeaderLength > available) {
            return dropHeader(drops, DropReason.BAD_IP_HEADER_LENGTH);
        }
        int totalLength = versionLengths & 0xffff;
        if (totalLength > available || totalLength < ipHeaderLength) {
            return dropHeader(drops, DropReason.TOTAL_LENGTH_MISMATCH);
        }
        if (!Checksum.verifies(Checksum.add(0, packet, base, ipHeaderLength))) {
            return dropHeader(drops, DropReason.BAD_IP_CHECKSUM);
        }
        return ipHeaderLength;
    }

    /**
     * Whether the TCP checksum of {@code packet} (its readable bytes: an IPv4 header that {@link #checkIpv4Header}
     * accepted, carrying TCP, not a fragment) verifies. For the few places that must check a segment whose link
     * vouches for most others: a datagram reassembled from fragments, a TUN packet the kernel did not vouch for.
     */
    public static boolean tcpChecksumVerifies(ByteBuf packet) {
        int base = packet.readerIndex();
        int ipHeaderLength = (packet.getUnsignedByte(base) & 0xf) * 4;
        int tcpLength = packet.getUnsignedShort(base + 2) - ipHeaderLength;
        return Checksum.verifies(Checksum.add(Checksum.pseudoHeader(packet.getInt(base + 12), packet.getInt(base + 16),
                tcpLength), packet, base + ipHeaderLength, tcpLength));
    }

    private static int dropHeader(DropCounters drops, DropReason reason) {
        drops.increment(reason);
        return -1;
    }

    private static TcpSegment drop(DropCounters drops, DropReason reason) {
        drops.increment(reason);
        return null;
    }

    /**
     * Writes {@code segment} as a complete IPv4 packet into {@code out}. Does not release the payload.
     * The IPv4 header carries TTL 64, DF, ID 0 (RFC 6864 §4.1: the ID of an atomic datagram is unused)
     * and TOS 0.
     *
     * @throws IllegalArgumentException when a field is out of range (port, window or MSS above 65535,
     *     flags beyond 8 bits, window scale above 14, options over 40 bytes, packet over 65535 bytes)
     */
    public static void encode(TcpSegment segment, ByteBuf out) {
        encode(segment, out, true);
    }

    /**
     * As {@link #encode(TcpSegment, ByteBuf)}; with {@code computeChecksum} false, for a link that guarantees
     * integrity, the TCP checksum field holds only the folded pseudo-header sum, not complemented: what Linux
     * keeps there for a checksum left to the device (CHECKSUM_PARTIAL, virtio's NEEDS_CSUM), so whoever needs
     * the full checksum finishes it by summing from the TCP header on. The IPv4 header checksum is always set.
     */
    public static void encode(TcpSegment segment, ByteBuf out, boolean computeChecksum) {
        int optionsLength = OptionsCodec.validate(segment.options);
        checkField("source port", segment.srcPort, 0xffff);
        checkField("destination port", segment.dstPort, 0xffff);
        checkField("window", segment.window, 0xffff);
        checkField("flags", segment.flags, 0xff);
        ByteBuf payload = segment.payload;
        int payloadLength = payload.readableBytes();
        int tcpHeaderLength = TCP_HEADER_LENGTH + optionsLength;
        int tcpLength = tcpHeaderLength + payloadLength;
        int totalLength = IPV4_HEADER_LENGTH + tcpLength;
        if (totalLength > MAX_PACKET_LENGTH) {
            throw new IllegalArgumentException("a payload of " + payloadLength + " bytes makes a " + totalLength
                    + "-byte packet, more than the 65535 IPv4 allows; segment it at the MSS");
        }
        out.ensureWritable(totalLength);

        int versionLengths = IP_VERSION << 28 | (IPV4_HEADER_LENGTH / 4) << 24 | totalLength;
        int idFragment = FLAG_DONT_FRAGMENT;
        int ttlProtocol = DEFAULT_TTL << 24 | IP_PROTOCOL_TCP << 16;
        int ipChecksum = Checksum.finish(Checksum.addInt(Checksum.addInt(Checksum.addInt(Checksum.addInt(
                Checksum.addInt(0, versionLengths), idFragment), ttlProtocol), segment.srcAddr), segment.dstAddr));
        out.writeInt(versionLengths);
        out.writeInt(idFragment);
        out.writeInt(ttlProtocol | ipChecksum);
        out.writeInt(segment.srcAddr);
        out.writeInt(segment.dstAddr);

        int tcpStart = out.writerIndex();
        out.writeInt(segment.srcPort << 16 | segment.dstPort);
        out.writeInt(segment.seq);
        out.writeInt(segment.ack);
        out.writeInt((tcpHeaderLength / 4) << 28 | segment.flags << 16 | segment.window);
        out.writeInt(0); // checksum, filled in below; urgent pointer 0
        OptionsCodec.write(segment.options, out);
        long pseudoHeaderSum = Checksum.pseudoHeader(segment.srcAddr, segment.dstAddr, tcpLength);
        if (!computeChecksum) {
            PayloadCopy.append(payload, payload.readerIndex(), payloadLength, out);
            out.setShort(tcpStart + 16, Checksum.fold(pseudoHeaderSum));
        } else if (payload.nioBufferCount() > 1) {
            // a payload of several parts is copied part by part (no merged temporary), then summed
            PayloadCopy.append(payload, payload.readerIndex(), payloadLength, out);
            out.setShort(tcpStart + 16, Checksum.finish(Checksum.add(pseudoHeaderSum, out, tcpStart, tcpLength)));
        } else {
            // The payload is summed while it is copied, in one pass; it starts at an even offset (RFC 1071 §2(B)).
            long headerSum = Checksum.add(pseudoHeaderSum, out, tcpStart, tcpHeaderLength);
            int payloadStart = out.writerIndex();
            long tcpSum = Checksum.copyAndAdd(headerSum, payload, payload.readerIndex(), out, payloadStart, payloadLength);
            out.writerIndex(payloadStart + payloadLength);
            out.setShort(tcpStart + 16, Checksum.finish(tcpSum));
        }
    }

    private static void checkField(String name, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(name + " " + value + " is outside 0.." + max);
        }
    }

    /** Encodes into a new buffer from {@code alloc}. Does not release the payload. */
    public static ByteBuf encode(TcpSegment segment, ByteBufAllocator alloc) {
        return encode(segment, alloc, true);
    }

    /** As {@link #encode(TcpSegment, ByteBufAllocator)}; {@code computeChecksum} as in {@link #encode(TcpSegment, ByteBuf, boolean)}. */
    public static ByteBuf encode(TcpSegment segment, ByteBufAllocator alloc, boolean computeChecksum) {
        ByteBuf out = alloc.buffer(encodedLength(segment));
        try {
            encode(segment, out, computeChecksum);
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
        return out;
    }

    /** Bytes {@link #encode} will write for this segment. */
    public static int encodedLength(TcpSegment segment) {
        return IPV4_HEADER_LENGTH + TCP_HEADER_LENGTH + OptionsCodec.encodedLength(segment.options)
                + segment.payload.readableBytes();
    }
}
