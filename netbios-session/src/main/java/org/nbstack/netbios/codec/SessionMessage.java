package org.nbstack.netbios.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * SESSION MESSAGE (type 0x00): user data. Holds its payload by reference; whoever holds the message
 * releases it once (the decoder hands out a copy of each payload, which shares no memory with its input).
 */
public final class SessionMessage extends DefaultByteBufHolder implements NbssPacket {

    public SessionMessage(ByteBuf payload) {
        super(payload);
    }

    @Override
    public PacketType type() {
        return PacketType.SESSION_MESSAGE;
    }

    @Override
    public SessionMessage replace(ByteBuf content) {
        return new SessionMessage(content);
    }

    @Override
    public SessionMessage retain() {
        super.retain();
        return this;
    }

    @Override
    public String toString() {
        return "SessionMessage(" + content().readableBytes() + " octets)";
    }
}
