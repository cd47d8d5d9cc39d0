package org.nbstack.tcp.ip;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.nbstack.tcp.wire.Checksum;
import org.nbstack.tcp.wire.PacketCodec;
import org.nbstack.tcp.wire.TcpFlags;
import org.nbstack.tcp.wire.TcpOptions;
import org.nbstack.tcp.wire.TcpSegment;

/** Raw IPv4 packets for the IP-layer tests: TCP segments, fragments of them, ICMP messages. */
final class IpPackets {
    private IpPackets() {
    }

    static ByteBuf tcp(int src, int srcPort, int dst, int dstPort, int seq, int ack, int flags, TcpOptions options,
            byte[] payload) {
        return PacketCodec.encode(new TcpSegment(src, dst, srcPort, dstPort, seq, ack, flags, 65535, options,
                payload == null ? null : Unpooled.wrappedBuffer(payload)), UnpooledByteBufAllocator.DEFAULT);
    }

    /** A SYN with MSS 1460, window scale 7, SACK permitted and a timestamp, as Linux sends. */
    static ByteBuf syn(int src, int srcPort, int dst, int dstPort, int seq) {
        return tcp(src, srcPort, dst, dstPort, seq, 0, TcpFlags.SYN,
                new TcpOptions(1460, 7, true, true, 12345, 0, new int[0]), null);
    }

    /** Rewrites the IPv4 header's ID, flags/offset and total length and fixes its checksum. */
    static ByteBuf header(ByteBuf packet, int id, int flagsOffset, int totalLength) {
        packet.setShort(2, totalLength);
        packet.setShort(4, id);
        packet.setShort(6, flagsOffset);
        packet.setShort(10, 0);
        packet.setShort(10, Checksum.finish(Checksum.add(0, packet, 0, 20)));
        return packet;
    }

    /** Splits {@code packet} (20-byte header, consumed) into fragments of {@code size} payload octets (multiple of 8). */
    static List<ByteBuf> fragments(ByteBuf packet, int size, int id) {
        List<ByteBuf> out = new ArrayList<>();
        int payload = packet.readableBytes() - 20;
        for (int off = 0; off < payload; off += size) {
            int len = Math.min(size, payload - off);
            ByteBuf f = Unpooled.buffer(20 + len);
            f.writeBytes(packet, 0, 20).writeBytes(packet, 20 + off, len);
            boolean more = off + len < payload;
            out.add(header(f, id, (more ? 0x2000 : 0) | off / 8, 20 + len));
        }
        packet.release();
        return out;
    }

    /** One fragment of {@code payload} at {@code offset} (octets) of a datagram from {@code src} to {@code dst}. */
    static ByteBuf fragment(int src, int dst, int id, int offset, boolean more, byte[] payload) {
        ByteBuf f = Unpooled.buffer(20 + payload.length);
        f.writeInt(0x45 << 24).writeInt(0).writeInt(64 << 24 | 6 << 16).writeInt(src).writeInt(dst).writeBytes(payload);
        return header(f, id, (more ? 0x2000 : 0) | offset / 8, 20 + payload.length);
    }

    /** An ICMP message from {@code src} to {@code dst}: type, code, the 4 octets after the checksum, then body. */
    static ByteBuf icmp(int src, int dst, int type, int code, int rest, ByteBuf body) {
        int length = 8 + body.readableBytes();
        ByteBuf p = Unpooled.buffer(20 + length);
        p.writeInt(0x45 << 24 | (20 + length)).writeInt(0).writeInt(64 << 24 | 1 << 16).writeInt(src).writeInt(dst);
        p.setShort(10, Checksum.finish(Checksum.add(0, p, 0, 20)));
        p.writeShort(type << 8 | code).writeShort(0).writeInt(rest).writeBytes(body);
        body.release();
        p.setShort(22, Checksum.finish(Checksum.add(0, p, 20, length)));
        return p;
    }

    /** RFC 1191 "fragmentation needed" from router {@code router}, quoting the first 28 octets of {@code sent}. */
    static ByteBuf fragmentationNeeded(int router, ByteBuf sent, int mtu) {
        ByteBuf quoted = sent.retainedSlice(sent.readerIndex(), Math.min(28, sent.readableBytes()));
        return icmp(router, sent.getInt(sent.readerIndex() + 12), 3, 4, mtu & 0xffff, quoted);
    }
}
