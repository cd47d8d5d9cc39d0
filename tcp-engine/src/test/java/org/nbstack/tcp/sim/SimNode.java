package org.nbstack.tcp.sim;

import io.netty.buffer.ByteBuf;

/**
 * Anything the simulator connects: a TCP stack, a fake peer in a test, a middlebox. The world drives a
 * node from one thread with virtual time only; a node sends through the {@link SimPacketOutput} it was
 * given when it was added to the {@link SimWorld}.
 */
public interface SimNode {

    /** One IPv4 packet arrived for this node. Ownership of {@code ipPacket} passes to the node, which releases it. */
    void receive(long nowNanos, ByteBuf ipPacket);

    /**
     * Fires every timer due at or before {@code nowNanos}. The world calls it once {@link #nextDeadline()}
     * has come; afterwards the deadline should lie in the future.
     */
    void advance(long nowNanos);

    /**
     * Virtual time of the earliest pending timer, or {@link Long#MAX_VALUE} when none. Read again after
     * every event, so it may move earlier or later at any time.
     */
    long nextDeadline();
}
