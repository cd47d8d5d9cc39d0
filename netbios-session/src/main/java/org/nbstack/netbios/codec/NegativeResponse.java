package org.nbstack.netbios.codec;

import java.util.Objects;

/** NEGATIVE SESSION RESPONSE (type 0x83): the session is refused, with the reason (RFC 1002 §4.3.4). */
public record NegativeResponse(NegativeCode code) implements NbssPacket {

    public NegativeResponse {
        Objects.requireNonNull(code, "code");
    }

    @Override
    public PacketType type() {
        return PacketType.NEGATIVE_SESSION_RESPONSE;
    }
}
