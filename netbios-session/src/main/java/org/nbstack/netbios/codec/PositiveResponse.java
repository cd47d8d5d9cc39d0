package org.nbstack.netbios.codec;

/** POSITIVE SESSION RESPONSE (type 0x82): the session is established (RFC 1002 §4.3.3). */
public record PositiveResponse() implements NbssPacket {

    public static final PositiveResponse INSTANCE = new PositiveResponse();

    @Override
    public PacketType type() {
        return PacketType.POSITIVE_SESSION_RESPONSE;
    }
}
