package org.nbstack.netbios.codec;

import java.util.Objects;
import org.nbstack.netbios.name.NetbiosName;

/** SESSION REQUEST (type 0x81): the name the caller wants to reach and its own name (RFC 1002 §4.3.2). */
public record SessionRequest(NetbiosName calledName, NetbiosName callingName) implements NbssPacket {

    public SessionRequest {
        Objects.requireNonNull(calledName, "calledName");
        Objects.requireNonNull(callingName, "callingName");
    }

    @Override
    public PacketType type() {
        return PacketType.SESSION_REQUEST;
    }
}
