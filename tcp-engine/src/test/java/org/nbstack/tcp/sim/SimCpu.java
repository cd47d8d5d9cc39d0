package org.nbstack.tcp.sim;

import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;

/**
 * The optional processing cost of one {@link SimWorld} node: every segment the node receives or sends occupies its
 * single CPU for a fixed amount of virtual time, and packets that arrive while it is busy wait their turn in a
 * bounded FIFO (a NIC ring: beyond its capacity they are dropped and counted). So a flood delays the node's other
 * traffic as it would on a real core, and work a peer can multiply (answers, retransmissions of state kept for it)
 * shows as latency. Timers still fire at their deadline; the segments they send are charged.
 */
final class SimCpu {
    final long nanosPerSegment;
    private final int capacity;
    private final ArrayDeque<ByteBuf> waiting = new ArrayDeque<>();
    private long busyUntil;
    private long dropped;
    private long maxWaiting;
    boolean drainScheduled;

    SimCpu(long nanosPerSegment, int capacity) {
        if (nanosPerSegment <= 0 || capacity <= 0) {
            throw new IllegalArgumentException("a processing cost needs nanosPerSegment > 0 and capacity > 0, got "
                    + nanosPerSegment + " ns and " + capacity + " packets");
        }
        this.nanosPerSegment = nanosPerSegment;
        this.capacity = capacity;
    }

    /** Queues an arrived packet; false (and the packet released, counted) when the queue is full. */
    boolean offer(ByteBuf packet) {
        if (waiting.size() >= capacity) {
            dropped++;
            packet.release();
            return false;
        }
        waiting.add(packet);
        maxWaiting = Math.max(maxWaiting, waiting.size());
        return true;
    }

    /** The next packet to process at {@code now}, charging its cost; null when none waits. */
    ByteBuf next(long now) {
        ByteBuf packet = waiting.poll();
        if (packet != null) {
            charge(now);
        }
        return packet;
    }

    boolean hasWaiting() {
        return !waiting.isEmpty();
    }

    /** Charges one segment's cost at {@code now}. */
    void charge(long now) {
        busyUntil = Math.max(busyUntil, now) + nanosPerSegment;
    }

    /** When the CPU can take the next packet, no earlier than {@code now}. */
    long freeAt(long now) {
        return Math.max(busyUntil, now);
    }

    long dropped() {
        return dropped;
    }

    long maxWaiting() {
        return maxWaiting;
    }

    void releaseAll() {
        ByteBuf packet;
        while ((packet = waiting.poll()) != null) {
            packet.release();
        }
    }
}
