package org.nbstack.tcp.sim;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.nbstack.tcp.wire.Ipv4;

/**
 * Hand-built IPv4-shaped packets for the simulator's tests: a 20-byte header with real addresses (all the
 * world routes by), an 8-byte packet id, and filler derived from the id so a receiver can tell a changed
 * byte. Also TCP-shaped ones for the filter helpers. Unpooled direct buffers: Netty's leak detector tracks
 * them, and they are never recycled, so a test can check refCnt() of a packet it no longer owns.
 */
final class RawPacket {
    static final int A = Ipv4.parse("10.0.0.1");
    static final int B = Ipv4.parse("10.0.0.2");
    static final int C = Ipv4.parse("10.0.0.3");
    static final int D = Ipv4.parse("10.0.0.4");
    static final int MIN_LENGTH = 28;
    /** The trace rendering the tests use: the packet id tells packets apart. */
    static final SimPacketFormatter FORMAT = p -> "pkt#" + id(p) + " len " + p.readableBytes();

    private RawPacket() {
    }

    static ByteBuf of(int src, int dst, long id) {
        return of(src, dst, id, 100);
    }

    static ByteBuf of(int src, int dst, long id, int length) {
        return fill(Unpooled.directBuffer(length), src, dst, id, length);
    }

    /**
     * A heap packet, which the leak detector does not track: for tests that push 100k packets, where PARANOID
     * detection's stack trace per buffer access would cost a minute. Leaks are covered by the tracked ones.
     */
    static ByteBuf untracked(int src, int dst, long id, int length) {
        return fill(Unpooled.buffer(length), src, dst, id, length);
    }

    private static ByteBuf fill(ByteBuf b, int src, int dst, long id, int length) {
        b.writeByte(0x45).writeByte(0).writeShort(length).writeInt(0).writeByte(64).writeByte(253).writeShort(0);
        b.writeInt(src).writeInt(dst).writeLong(id);
        for (int i = MIN_LENGTH; i < length; i++) {
            b.writeByte(filler(id, i));
        }
        return b;
    }

    /** The bytes {@link #of} writes for this id and length. */
    static byte[] expected(int src, int dst, long id, int length) {
        ByteBuf b = untracked(src, dst, id, length);
        try {
            byte[] bytes = new byte[length];
            b.getBytes(0, bytes);
            return bytes;
        } finally {
            b.release();
        }
    }

    static long id(ByteBuf packet) {
        return packet.getLong(packet.readerIndex() + 20);
    }

    /** A TCP-shaped packet: IPv4 header of {@code ihlWords} 32-bit words, 20-byte TCP header, payload of zeros. */
    static ByteBuf tcp(int src, int dst, int flags, int seq, int ack, int ihlWords, int payload) {
        int ipHeader = ihlWords * 4;
        int length = ipHeader + 20 + payload;
        ByteBuf b = Unpooled.directBuffer(length);
        b.writeByte(0x40 | ihlWords).writeByte(0).writeShort(length).writeInt(0).writeByte(64).writeByte(6).writeShort(0);
        b.writeInt(src).writeInt(dst);
        b.writeZero(ipHeader - 20);
        b.writeShort(40000).writeShort(139).writeInt(seq).writeInt(ack).writeByte(5 << 4).writeByte(flags)
                .writeShort(65535).writeShort(0).writeShort(0);
        b.writeZero(payload);
        return b;
    }

    private static int filler(long id, int index) {
        return (int) (id * 31 + index * 7);
    }
}
