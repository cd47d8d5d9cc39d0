package org.nbstack.tcp.ip;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import org.nbstack.tcp.wire.DropCounters;
import org.nbstack.tcp.wire.DropReason;
import org.nbstack.tcp.wire.PacketCodec;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * The IPv4 input path of one stack (RFC 791, RFC 1122 3.2.1): every packet from the link passes here before TCP
 * sees it. It checks the header, drops what no host may accept (a destination that is not ours, a source that is
 * ours, a martian source, port 0), reassembles fragments, answers and applies ICMP, and hands the TCP segments on.
 * Every drop is counted by reason. Not thread-safe: the stack's thread drives it.
 */
public final class IpInput {
    static final int PROTOCOL_ICMP = 1;
    /** More-fragments flag and the 13-bit fragment offset (RFC 791 §3.1). */
    static final int MORE_FRAGMENTS = 0x2000;
    static final int FRAGMENT_OFFSET_MASK = 0x1fff;

    private final IntPredicate ownAddress;
    private final DropCounters drops;
    private final IpCounters counters = new IpCounters();
    private final IcmpHandler icmp;
    private final FragmentReassembler reassembler;
    private Consumer<ByteBuf> reassembledRoute;
    private boolean verifyTcpChecksums = true;

    /**
     * @param ownAddress whether an address is one of the stack's
     * @param drops      where dropped packets are counted by reason
     * @param output     where ICMP replies go (ownership passes)
     * @param pathMtu    the connections that "fragmentation needed" messages are applied to
     */
    public IpInput(IpConfig config, IntPredicate ownAddress, DropCounters drops, ByteBufAllocator alloc,
            Consumer<ByteBuf> output, PathMtuSink pathMtu) {
        this.ownAddress = ownAddress;
        this.drops = drops;
        this.icmp = new IcmpHandler(config, ownAddress, drops, counters, alloc, output, pathMtu);
        this.reassembler = new FragmentReassembler(config, counters, drops, alloc);
    }

    public IpCounters counters() {
        return counters;
    }

    /**
     * Sends every datagram reassembled from fragments to {@code route} instead of decoding it here: an engine with
     * several shards routes it again, since only the complete datagram tells which shard owns it.
     */
    public void routeReassembled(Consumer<ByteBuf> route) {
        this.reassembledRoute = route;
    }

    /**
     * Whether TCP checksums are verified (the default); false for a link that guarantees the integrity of what it
     * delivers, fragments included, so a datagram reassembled from them is intact too.
     */
    public void verifyTcpChecksums(boolean verify) {
        this.verifyTcpChecksums = verify;
    }

    /**
     * Takes one IPv4 packet from the link (ownership passes: it is released here) and returns the TCP segment in
     * it for the stack, or null when the packet was consumed (ICMP, a fragment held for reassembly) or dropped.
     */
    public TcpSegment receive(long now, ByteBuf packet) {
        try {
            return accept(now, packet);
        } finally {
            packet.release();
        }
    }

    private TcpSegment accept(long now, ByteBuf packet) {
        reassembler.expire(now);
        int headerLength = PacketCodec.checkIpv4Header(packet, drops);
        if (headerLength < 0) {
            return null;
        }
        int base = packet.readerIndex();
        int src = packet.getInt(base + 12);
        int dst = packet.getInt(base + 16);
        if (!ownAddress.test(dst)) {
            return drop(DropReason.NOT_LOCAL_ADDRESS);
        }
        if (ownAddress.test(src)) {
            // Our own address arriving from the link is forged (a LAND packet): RFC 1122 3.2.1.3, Linux's martians.
            return drop(DropReason.OWN_SOURCE_ADDRESS);
        }
        if (SourceAddresses.isInvalidSource(src)) {
            return drop(DropReason.BAD_ADDRESS);
        }
        int fragmentField = packet.getUnsignedShort(base + 6);
        if ((fragmentField & (MORE_FRAGMENTS | FRAGMENT_OFFSET_MASK)) != 0) {
            ByteBuf whole = reassembler.add(now, packet, headerLength);
            if (whole == null) {
                return null;
            }
            // A link vouches for each packet, not for a datagram rebuilt from several: check its TCP checksum here,
            // since the shard it is routed to takes it as one more packet from the trusted link.
            if (!verifyTcpChecksums && whole.getUnsignedByte(whole.readerIndex() + 9) == PacketCodec.IP_PROTOCOL_TCP
                    && PacketCodec.checkIpv4Header(whole, drops) > 0 && !PacketCodec.tcpChecksumVerifies(whole)) {
                whole.release();
                return drop(DropReason.BAD_TCP_CHECKSUM);
            }
            if (reassembledRoute != null) {
                reassembledRoute.accept(whole);
                return null;
            }
            return receive(now, whole);
        }
        int protocol = packet.getUnsignedByte(base + 9);
        if (protocol == PROTOCOL_ICMP) {
            icmp.receive(now, packet, headerLength);
            return null;
        }
        TcpSegment seg = PacketCodec.decode(packet, drops, verifyTcpChecksums);
        if (seg != null && (seg.srcPort == 0 || seg.dstPort == 0)) {
            seg.release(); // RFC 9293 §3.1: port 0 names no endpoint
            return drop(DropReason.BAD_PORT);
        }
        return seg;
    }

    private TcpSegment drop(DropReason reason) {
        drops.increment(reason);
        return null;
    }
}
