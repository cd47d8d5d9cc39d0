package org.nbstack.tcp.interop;

import io.netty.buffer.ByteBuf;

/** Reads fields of an IPv4/TCP packet in place, for the tests' link filters. */
final class Packets {
    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int ACK = 0x10;

    private Packets() {
    }

    static boolean isTcp(ByteBuf p) {
        int at = p.readerIndex();
        return p.readableBytes() >= 40 && (p.getByte(at) & 0xf0) == 0x40 && p.getByte(at + 9) == 6;
    }

    static int tcpFlags(ByteBuf p) {
        int at = p.readerIndex();
        int ihl = (p.getByte(at) & 0x0f) * 4;
        return p.getByte(at + ihl + 13) & 0xff;
    }

    static boolean hasFlags(ByteBuf p, int flags) {
        return isTcp(p) && (tcpFlags(p) & flags) == flags;
    }

    /** A SYN without ACK: the first packet of a new connection. */
    static boolean isPlainSyn(ByteBuf p) {
        return isTcp(p) && (tcpFlags(p) & (SYN | ACK)) == SYN;
    }
}
