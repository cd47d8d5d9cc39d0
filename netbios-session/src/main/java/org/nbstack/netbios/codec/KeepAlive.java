package org.nbstack.netbios.codec;

/** SESSION KEEP ALIVE (type 0x85): carries nothing; the receiver discards it (RFC 1002 §4.3.7). */
public record KeepAlive() implements NbssPacket {

    public static final KeepAlive INSTANCE = new KeepAlive();

    @Override
    public PacketType type() {
        return PacketType.SESSION_KEEP_ALIVE;
    }
}
