package org.nbstack.tcp.sim;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import org.nbstack.tcp.link.ArrivalOrder;
import org.nbstack.tcp.link.LinkFaults;

/**
 * One direction of a simulated link, from one node to another: decides the fate of every packet sent on
 * it (filters, MTU, partition, loss, duplication, bandwidth queue, corruption, delay, jitter, reordering)
 * and schedules its delivery. Draws its randomness from its own generator, derived from the world seed and
 * the two node indexes, so traffic on other links never shifts this link's faults.
 */
public final class SimLink {
    private static final SimPacketFilter[] NO_FILTERS = new SimPacketFilter[0];

    final int id;
    /** Index of the receiving node in its world. */
    final int to;
    private final String name;
    private final EventQueue events;
    private final SimTrace trace;
    private final SimPacketFormatter formatter;
    private final SplittableRandom random;
    private final SimLinkCounters counters = new SimLinkCounters();
    private final DepartureQueue departures = new DepartureQueue();
    private final PartitionSchedule partitions = new PartitionSchedule();
    private SimPacketFilter[] filters = NO_FILTERS;
    private LinkFaults config;
    private boolean configuredExplicitly;
    private final ArrivalOrder arrivals = new ArrivalOrder();

    SimLink(int id, String name, int to, LinkFaults config, long seed, EventQueue events,
            SimTrace trace, SimPacketFormatter formatter) {
        this.id = id;
        this.name = name;
        this.to = to;
        this.config = config;
        this.random = new SplittableRandom(seed);
        this.events = events;
        this.trace = trace;
        this.formatter = formatter;
    }

    /** "A>B": the sending and the receiving node's names. */
    public String name() {
        return name;
    }

    public LinkFaults config() {
        return config;
    }

    /** Replaces this direction's model from now on; packets already in flight keep their fate. */
    public SimLink configure(LinkFaults newConfig) {
        config = Objects.requireNonNull(newConfig, "newConfig");
        configuredExplicitly = true;
        return this;
    }

    /** Drops every packet sent on this direction at a virtual time in [startNanos, endNanos). */
    public SimLink partition(long startNanos, long endNanos) {
        if (endNanos <= startNanos) {
            throw new IllegalArgumentException("a partition must end after it starts: [" + startNanos + ", " + endNanos + ")");
        }
        partitions.add(startNanos, endNanos);
        return this;
    }

    /** Adds a filter; filters run in the order added, and the first that drops a packet ends its journey. */
    public SimLink addFilter(SimPacketFilter filter) {
        Objects.requireNonNull(filter, "filter");
        filters = Arrays.copyOf(filters, filters.length + 1);
        filters[filters.length - 1] = filter;
        return this;
    }

    public SimLinkCounters counters() {
        return counters;
    }

    @Override
    public String toString() {
        return name + " " + counters;
    }

    boolean configuredExplicitly() {
        return configuredExplicitly;
    }

    void applyDefault(LinkFaults defaultConfig) {
        config = defaultConfig;
    }

    /** A node sent {@code packet} on this direction at {@code now}; the link now owns it. */
    void transmit(long now, ByteBuf packet) {
        LinkFaults c = config;
        counters.sent++;
        counters.bytesSent += packet.readableBytes();
        if (trace != null) {
            trace(now, "send", packet);
        }
        if (filters.length > 0 && filtered(now, packet)) {
            counters.droppedByFilter++;
            drop(now, "drop-filter", packet);
        } else if (c.mtu() > 0 && packet.readableBytes() > c.mtu()) {
            counters.droppedMtu++;
            drop(now, "drop-mtu", packet);
        } else if (!partitions.isEmpty() && partitions.blocks(now)) {
            counters.droppedByPartition++;
            drop(now, "drop-partition", packet);
        } else if (LinkFaults.happens(random, c.lossProbability())) {
            counters.lost++;
            drop(now, "lose", packet);
        } else if (LinkFaults.happens(random, c.duplicateProbability())) {
            counters.duplicated++;
            // A copy, not a shared view: the receiver owns each arrival and may write to it.
            ByteBuf copy = packet.copy();
            if (trace != null) {
                trace(now, "duplicate", packet);
            }
            schedule(now, packet, c);
            schedule(now, copy, c);
        } else {
            schedule(now, packet, c);
        }
    }

    /** The packet's arrival event came; the world hands it to the receiving node next. */
    void arrive(long now, ByteBuf packet) {
        counters.inFlight--;
        counters.delivered++;
        counters.bytesDelivered += packet.readableBytes();
        if (trace != null) {
            trace(now, "deliver", packet);
        }
    }

    /** The world closed with {@code packet} still in flight; it stays counted as in flight, where it ended. */
    void discard(ByteBuf packet) {
        packet.release();
    }

    private void schedule(long now, ByteBuf packet, LinkFaults c) {
        long departure = now;
        if (c.bandwidthBytesPerSecond() > 0) {
            departure = departures.admit(now, packet.readableBytes(), c.bandwidthBytesPerSecond(), c.queueLimitPackets());
            if (departure < 0) {
                counters.droppedQueueFull++;
                drop(now, "drop-queue", packet);
                return;
            }
        }
        if (LinkFaults.happens(random, c.corruptProbability())) {
            packet = corrupt(now, packet);
        }
        long arrival = arrivals.arrival(departure, c, random);
        if (arrivals.lastReorderDelay() > 0) {
            counters.reordered++;
            if (trace != null) {
                trace(now, "reorder(+" + arrivals.lastReorderDelay() + "ns)", packet);
            }
        }
        counters.inFlight++;
        events.push(arrival, packet, id);
    }

    /** Flips one random bit of a private copy: the sender may still share the original's memory. */
    private ByteBuf corrupt(long now, ByteBuf packet) {
        int bit = random.nextInt(packet.readableBytes() * 8);
        if (trace != null) {
            trace(now, "corrupt(bit " + bit + ")", packet);
        }
        ByteBuf copy = packet.copy();
        packet.release();
        int index = copy.readerIndex() + (bit >>> 3);
        copy.setByte(index, copy.getByte(index) ^ 1 << (bit & 7));
        counters.corrupted++;
        return copy;
    }

    private boolean filtered(long now, ByteBuf packet) {
        ByteBuf view = packet.asReadOnly();
        for (SimPacketFilter filter : filters) {
            if (filter.drop(now, view)) {
                return true;
            }
        }
        return false;
    }

    private void drop(long now, String event, ByteBuf packet) {
        if (trace != null) {
            trace(now, event, packet);
        }
        packet.release();
    }

    private void trace(long now, String event, ByteBuf packet) {
        trace.line(now, name + ' ' + event + ' ' + formatter.describe(packet));
    }
}
