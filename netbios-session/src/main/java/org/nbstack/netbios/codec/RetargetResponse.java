package org.nbstack.netbios.codec;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.Objects;

/** SESSION RETARGET RESPONSE (type 0x84): try again at this IPv4 address and port (RFC 1002 §4.3.5). */
public record RetargetResponse(Inet4Address address, int port) implements NbssPacket {

    public RetargetResponse {
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("retarget port must be 0..65535, got " + port);
        }
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(address, port);
    }

    @Override
    public PacketType type() {
        return PacketType.RETARGET_SESSION_RESPONSE;
    }
}
