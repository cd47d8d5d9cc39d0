package org.nbstack.tcp.sim;

import io.netty.buffer.ByteBuf;
import java.util.function.Predicate;

/**
 * A test's targeted fault: decides, for each packet sent on one link direction, whether to drop it.
 * Runs before the link's random faults, sees every packet the node sent on that direction, and its drops
 * are counted as {@link SimLinkCounters#droppedByFilter()}. A filter may also just observe (return false),
 * for example to remember a sequence number that a filter on the reverse direction looks for.
 */
@FunctionalInterface
public interface SimPacketFilter {

    /**
     * True to drop the packet. {@code packet} is a read-only view with its own indexes: read it with
     * {@link SimPackets}, do not retain or release it.
     */
    boolean drop(long nowNanos, ByteBuf packet);

    /** Drops the first {@code count} packets that match, then lets everything through. */
    static SimPacketFilter dropFirst(int count, Predicate<ByteBuf> matching) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, got " + count);
        }
        return new SimPacketFilter() {
            private int left = count;

            @Override
            public boolean drop(long nowNanos, ByteBuf packet) {
                if (left > 0 && matching.test(packet)) {
                    left--;
                    return true;
                }
                return false;
            }
        };
    }
}
