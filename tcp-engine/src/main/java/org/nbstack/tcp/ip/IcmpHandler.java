package org.nbstack.tcp.ip;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import org.nbstack.tcp.core.ConnectionId;
import org.nbstack.tcp.wire.Checksum;
import org.nbstack.tcp.wire.DropCounters;
import org.nbstack.tcp.wire.DropReason;
import org.nbstack.tcp.wire.PacketCodec;

/**
 * ICMP for a TCP-only host (RFC 792, RFC 1122 3.2.2): echo requests are answered (configurable, rate limited);
 * "fragmentation needed" lowers the path MTU of the connection it quotes (RFC 1191) once the RFC 5927 §4 checks
 * pass; every other message is counted and ignored, since for TCP they are soft errors (RFC 1122 4.2.3.9) that
 * an off-path attacker could forge (RFC 5927 §4.1).
 */
final class IcmpHandler {
    static final int HEADER_LENGTH = 8;
    static final int TYPE_ECHO_REPLY = 0;
    static final int TYPE_DESTINATION_UNREACHABLE = 3;
    static final int TYPE_ECHO_REQUEST = 8;
    static final int CODE_FRAGMENTATION_NEEDED = 4;
    /** RFC 1191 §7: the MTU plateaus a host may assume when a router reports next-hop MTU 0. */
    private static final int[] PLATEAUS = {32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68};
    private static final int IP_FLAG_DONT_FRAGMENT = 0x4000;

    private final IpConfig config;
    private final IntPredicate ownAddress;
    private final DropCounters drops;
    private final IpCounters counters;
    private final ByteBufAllocator alloc;
    private final Consumer<ByteBuf> output;
    private final PathMtuSink pathMtu;
    private final IcmpRateLimiter replies;

    IcmpHandler(IpConfig config, IntPredicate ownAddress, DropCounters drops, IpCounters counters, ByteBufAllocator alloc,
            Consumer<ByteBuf> output, PathMtuSink pathMtu) {
        this.config = config;
        this.ownAddress = ownAddress;
        this.drops = drops;
        this.counters = counters;
        this.alloc = alloc;
        this.output = output;
        this.pathMtu = pathMtu;
        this.replies = new IcmpRateLimiter(config.icmpRepliesPerSecond());
    }

    /** One complete ICMP datagram whose IPv4 header ({@code ipHeaderLength} octets) has been checked. */
    void receive(long now, ByteBuf packet, int ipHeaderLength) {
        int base = packet.readerIndex();
        int start = base + ipHeaderLength;
        int length = packet.getUnsignedShort(base + 2) - ipHeaderLength;
        if (length < HEADER_LENGTH || !Checksum.verifies(Checksum.add(0, packet, start, length))) {
            drops.increment(DropReason.BAD_ICMP);
            return;
        }
        counters.icmpReceived++;
        int type = packet.getUnsignedByte(start);
        int code = packet.getUnsignedByte(start + 1);
        if (type == TYPE_ECHO_REQUEST) {
            echo(now, packet, start, length);
        } else if (type == TYPE_DESTINATION_UNREACHABLE && code == CODE_FRAGMENTATION_NEEDED) {
            fragmentationNeeded(now, packet, start, length);
        } else {
            counters.icmpOtherIgnored++;
        }
    }

    private void echo(long now, ByteBuf request, int start, int length) {
        counters.echoRequests++;
        if (!config.echoReplies() || !replies.tryAcquire(now)) {
            counters.echoRepliesSuppressed++;
            return;
        }
        int base = request.readerIndex();
        int totalLength = PacketCodec.IPV4_HEADER_LENGTH + length;
        ByteBuf reply = alloc.buffer(totalLength);
        // RFC 792: addresses swapped, type 0, identifier, sequence number and data returned unchanged.
        reply.writeInt(4 << 28 | 5 << 24 | totalLength);
        reply.writeInt(IP_FLAG_DONT_FRAGMENT);
        reply.writeInt(PacketCodec.DEFAULT_TTL << 24 | IpInput.PROTOCOL_ICMP << 16);
        reply.writeInt(request.getInt(base + 16));
        reply.writeInt(request.getInt(base + 12));
        reply.setShort(10, Checksum.finish(Checksum.add(0, reply, 0, PacketCodec.IPV4_HEADER_LENGTH)));
        reply.writeShort(TYPE_ECHO_REPLY << 8);
        reply.writeShort(0);
        reply.writeBytes(request, start + 4, length - 4);
        reply.setShort(PacketCodec.IPV4_HEADER_LENGTH + 2,
                Checksum.finish(Checksum.add(0, reply, PacketCodec.IPV4_HEADER_LENGTH, length)));
        counters.echoRepliesSent++;
        output.accept(reply);
    }

    /**
     * RFC 1191 §6 with RFC 5927 §4: the quoted datagram must be one this host sent (our source address, TCP),
     * must quote the ports and sequence number, and the connection must have that sequence number in flight;
     * only then does its path MTU drop, never below {@link IpConfig#minPathMtu()} and never up.
     */
    private void fragmentationNeeded(long now, ByteBuf packet, int start, int length) {
        counters.fragmentationNeededReceived++;
        int quoted = start + HEADER_LENGTH;
        int quotedLength = length - HEADER_LENGTH;
        if (quotedLength < PacketCodec.IPV4_HEADER_LENGTH + 8 || packet.getUnsignedByte(quoted) >>> 4 != 4) {
            drops.increment(DropReason.BAD_ICMP);
            return;
        }
        int quotedHeader = (packet.getUnsignedByte(quoted) & 0xf) * 4;
        int quotedSrc = packet.getInt(quoted + 12);
        if (quotedHeader < PacketCodec.IPV4_HEADER_LENGTH || quotedLength < quotedHeader + 8
                || packet.getUnsignedByte(quoted + 9) != PacketCodec.IP_PROTOCOL_TCP || !ownAddress.test(quotedSrc)) {
            drops.increment(DropReason.BAD_ICMP);
            return;
        }
        int mtu = packet.getUnsignedShort(start + 6);
        if (mtu == 0) {
            mtu = plateauBelow(packet.getUnsignedShort(quoted + 2));
        }
        mtu = Math.max(mtu, config.minPathMtu());
        int ports = packet.getInt(quoted + quotedHeader);
        int seq = packet.getInt(quoted + quotedHeader + 4);
        ConnectionId id = new ConnectionId(quotedSrc, ports >>> 16, packet.getInt(quoted + 16), ports & 0xffff);
        if (pathMtu.lowerPathMtu(now, id, seq, mtu)) {
            counters.pathMtuLowered++;
        } else {
            counters.fragmentationNeededIgnored++;
        }
    }

    /** RFC 1191 §7: the largest plateau below the length of the datagram that did not fit. */
    static int plateauBelow(int datagramLength) {
        for (int p : PLATEAUS) {
            if (p < datagramLength) {
                return p;
            }
        }
        return IpConfig.MIN_IPV4_MTU;
    }
}
