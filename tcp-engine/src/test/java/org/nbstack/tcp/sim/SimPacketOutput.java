package org.nbstack.tcp.sim;

import io.netty.buffer.ByteBuf;

/**
 * How a {@link SimNode} puts a packet on the simulated network. The world routes it by its IPv4
 * destination address; the packet never arrives synchronously, so a node may send from inside
 * {@link SimNode#receive} or {@link SimNode#advance} without re-entering itself.
 */
@FunctionalInterface
public interface SimPacketOutput {

    /** Sends one complete IPv4 packet (its readable bytes). Ownership passes to the simulator. */
    void send(ByteBuf ipPacket);
}
