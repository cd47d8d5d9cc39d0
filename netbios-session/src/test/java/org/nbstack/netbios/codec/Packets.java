package org.nbstack.netbios.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Test helpers: packets as wire bytes. */
final class Packets {

    private Packets() {
    }

    static ByteBuf wire(NbssPacket packet) {
        ByteBuf out = Unpooled.buffer();
        NbssFrames.writeControl(packet, out);
        return out;
    }

    static ByteBuf bytes(int... octets) {
        ByteBuf out = Unpooled.buffer(octets.length);
        for (int octet : octets) {
            out.writeByte(octet);
        }
        return out;
    }

    /** Decodes one packet from {@code in} and releases {@code in}. */
    static NbssPacket decodeAndRelease(ByteBuf in, int max) {
        try {
            return NbssFrames.decode(in, max);
        } finally {
            in.release();
        }
    }
}
