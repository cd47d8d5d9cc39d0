package org.nbstack.tcp.stack;

import io.netty.buffer.ByteBuf;

/** Where a stack puts the IPv4 packets it sends; ownership of the packet passes to the callee. */
@FunctionalInterface
public interface PacketOutput {
    void send(ByteBuf ipPacket);
}
