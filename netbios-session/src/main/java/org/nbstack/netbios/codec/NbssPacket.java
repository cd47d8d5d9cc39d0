package org.nbstack.netbios.codec;

/** One NetBIOS session service packet (RFC 1002 §4.3). */
public sealed interface NbssPacket
        permits SessionMessage, SessionRequest, PositiveResponse, NegativeResponse, RetargetResponse, KeepAlive {

    PacketType type();
}
