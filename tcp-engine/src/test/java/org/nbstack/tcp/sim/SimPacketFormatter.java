package org.nbstack.tcp.sim;

import io.netty.buffer.ByteBuf;

/** Renders one packet for the trace. Must not change the packet's indexes or reference count. */
@FunctionalInterface
public interface SimPacketFormatter {

    String describe(ByteBuf packet);
}
