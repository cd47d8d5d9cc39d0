package org.nbstack.tcp.sim;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.nbstack.tcp.link.LinkFaults;
import org.nbstack.tcp.wire.Ipv4;

/**
 * A deterministic simulated network: nodes, the link directions between them, a virtual clock and one
 * event queue. Single-threaded; nothing happens between calls to the {@code run} methods. Events at the
 * same virtual time run in the order they were scheduled; node timers run when their deadline has come,
 * after the queued events of that instant. The same seed and the same calls replay exactly.
 */
public final class SimWorld implements AutoCloseable {
    /** Calls of one node's advance at one instant in a row after which its deadline is considered stuck. */
    static final int MAX_ADVANCES_AT_ONE_INSTANT = 10_000;
    private static final int IPV4_HEADER_LENGTH = 20;

    private final long seed;
    private final SimTrace trace;
    private final SimPacketFormatter formatter;
    private final EventQueue events = new EventQueue();
    private final AddressTable addresses = new AddressTable();
    private final Map<String, Attached> byName = new HashMap<>();
    private Attached[] nodes = new Attached[0];
    private SimLink[] links = new SimLink[0];
    private LinkFaults defaultLink;
    private long now;
    private long earliestDeadline;
    private long unroutable;
    private boolean closed;
    private int lastAdvanced = -1;
    private long lastAdvanceTime;
    private int advanceStreak;

    private SimWorld(Builder b) {
        this.seed = b.seed;
        this.defaultLink = b.defaultLink;
        this.trace = b.trace != null ? b.trace : SimRunContext.currentTrace();
        this.formatter = b.formatter != null ? b.formatter : new TcpPacketFormatter();
    }

    /** A world whose faults all derive from {@code seed}. */
    public static Builder builder(long seed) {
        return new Builder(seed);
    }

    /**
     * Adds a node owning {@code addresses} (IPv4, big-endian ints; see {@link Ipv4#parse}). The factory
     * receives the node's output and may already send through it; packets to these addresses go to the node.
     */
    public <N extends SimNode> N addNode(String name, Function<SimPacketOutput, N> factory, int... addresses) {
        requireOpen();
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.indexOf(' ') >= 0 || name.indexOf('>') >= 0) {
            throw new IllegalArgumentException("a node name must be non-empty, without spaces or '>': '" + name + "'");
        }
        if (byName.containsKey(name)) {
            throw new IllegalArgumentException("there is already a node named " + name);
        }
        if (addresses.length == 0) {
            throw new IllegalArgumentException("node " + name + " needs at least one IPv4 address");
        }
        for (int i = 0; i < addresses.length; i++) {
            int owner = this.addresses.lookup(addresses[i]);
            if (owner >= 0 || indexOf(addresses, addresses[i]) < i) {
                throw new IllegalArgumentException("address " + Ipv4.toString(addresses[i]) + " of node " + name
                        + " already belongs to " + (owner >= 0 ? nodes[owner].name : name));
            }
        }
        Attached attached = new Attached(name, nodes.length);
        N node = Objects.requireNonNull(factory.apply(packet -> send(attached, packet)), "the factory returned null");
        attached.node = node;
        nodes = Arrays.copyOf(nodes, nodes.length + 1);
        nodes[attached.index] = attached;
        byName.put(name, attached);
        for (int address : addresses) {
            this.addresses.put(address, attached.index);
        }
        return node;
    }

    /** The direction from node {@code from} to node {@code to}, to configure, partition, filter or count. */
    public SimLink link(String from, String to) {
        return linkBetween(attached(from), attached(to).index);
    }

    /** Configures both directions between two nodes. */
    public void configureBoth(String a, String b, LinkFaults config) {
        link(a, b).configure(config);
        link(b, a).configure(config);
    }

    /** Cuts both directions between two nodes for packets sent in [startNanos, endNanos). */
    public void partition(String a, String b, long startNanos, long endNanos) {
        link(a, b).partition(startNanos, endNanos);
        link(b, a).partition(startNanos, endNanos);
    }

    /** Changes the model of every link direction not configured on its own, now and for links created later. */
    public void defaultLink(LinkFaults config) {
        defaultLink = Objects.requireNonNull(config, "config");
        for (SimLink link : links) {
            if (!link.configuredExplicitly()) {
                link.applyDefault(config);
            }
        }
    }

    /**
     * Gives node {@code name} a processing cost (off by default): every segment it receives or sends takes
     * {@code nanosPerSegment} of its one CPU's virtual time, and packets that arrive while it is busy wait in a FIFO
     * of {@code queueCapacity} packets (dropped and counted beyond it), so that a flood delays its other traffic.
     */
    public void processingCost(String name, long nanosPerSegment, int queueCapacity) {
        Attached node = attached(name);
        if (node.cpu != null) {
            throw new IllegalStateException("node " + name + " already has a processing cost");
        }
        node.cpu = new SimCpu(nanosPerSegment, queueCapacity);
        node.drain = () -> drainCpu(node);
    }

    /** Packets node {@code name} dropped because its processing queue was full (0 without a processing cost). */
    public long processingDrops(String name) {
        SimCpu cpu = attached(name).cpu;
        return cpu == null ? 0 : cpu.dropped();
    }

    /** The longest node {@code name}'s processing queue has been, in packets (0 without a processing cost). */
    public long processingQueuePeak(String name) {
        SimCpu cpu = attached(name).cpu;
        return cpu == null ? 0 : cpu.maxWaiting();
    }

    /** Runs {@code action} at virtual time {@code atNanos}, after the events already scheduled for that instant. */
    public void schedule(long atNanos, Runnable action) {
        requireOpen();
        Objects.requireNonNull(action, "action");
        if (atNanos < now) {
            throw new IllegalArgumentException("cannot schedule at " + atNanos + " ns, virtual time is already " + now + " ns");
        }
        events.push(atNanos, action, -1);
    }

    public void scheduleAfter(long delayNanos, Runnable action) {
        schedule(now + delayNanos, action);
    }

    /**
     * Runs events and timers until {@code done} is true (checked before the first and after every event) or
     * {@code maxVirtualNanos} of virtual time have passed. Returns whether {@code done} was reached. When time
     * runs out, the clock stands at the end of the budget.
     */
    public boolean runUntil(BooleanSupplier done, long maxVirtualNanos) {
        requireOpen();
        long limit = deadlineAfter(maxVirtualNanos);
        while (!done.getAsBoolean()) {
            if (!step(limit)) {
                if (limit != Long.MAX_VALUE) {
                    now = limit;
                }
                return done.getAsBoolean();
            }
        }
        return true;
    }

    /** Runs every event and timer due within the next {@code nanos}; the clock then stands {@code nanos} later. */
    public void runFor(long nanos) {
        requireOpen();
        long limit = deadlineAfter(nanos);
        while (step(limit)) {
            // each step runs one event or one node's timers
        }
        now = limit;
    }

    /** True when nothing is in flight, nothing is scheduled and no node has a timer: nothing will ever happen again. */
    public boolean isIdle() {
        return events.isEmpty() && earliestDeadlineNode() < 0;
    }

    public long now() {
        return now;
    }

    public long seed() {
        return seed;
    }

    /** The trace this world writes to, or null when it does not trace. */
    public SimTrace trace() {
        return trace;
    }

    /** Adds a line of the test's own to the trace, at the current virtual time (nothing when not tracing). */
    public void note(String text) {
        if (trace != null) {
            trace.line(now, "note " + text);
        }
    }

    /** Packets sent to an address no node owns (or too short to carry an IPv4 header); all dropped. */
    public long unroutablePackets() {
        return unroutable;
    }

    /** The counters of every link direction added up. */
    public SimLinkCounters totals() {
        SimLinkCounters sum = new SimLinkCounters();
        for (SimLink link : links) {
            SimLinkCounters c = link.counters();
            sum.sent += c.sent;
            sum.delivered += c.delivered;
            sum.lost += c.lost;
            sum.duplicated += c.duplicated;
            sum.reordered += c.reordered;
            sum.corrupted += c.corrupted;
            sum.droppedByFilter += c.droppedByFilter;
            sum.droppedByPartition += c.droppedByPartition;
            sum.droppedMtu += c.droppedMtu;
            sum.droppedQueueFull += c.droppedQueueFull;
            sum.inFlight += c.inFlight;
            sum.bytesSent += c.bytesSent;
            sum.bytesDelivered += c.bytesDelivered;
        }
        return sum;
    }

    /** Releases every packet still in flight and forgets scheduled actions; later sends are released at once. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        events.clear((item, target) -> {
            if (target >= 0) {
                links[target].discard((ByteBuf) item);
            }
        });
        for (Attached node : nodes) {
            if (node.cpu != null) {
                node.cpu.releaseAll();
            }
        }
        if (trace != null) {
            trace.flush();
        }
    }

    /** Runs one event or one node's due timers if that happens no later than {@code limit}; false when nothing does. */
    private boolean step(long limit) {
        long eventTime = events.peekTime();
        int due = earliestDeadlineNode();
        if (due >= 0) {
            long deadline = earliestDeadline;
            // At equal times queued events go first: a packet arriving as a timer expires is received first.
            if (deadline < eventTime) {
                long at = Math.max(deadline, now);
                if (at > limit) {
                    return false;
                }
                fireTimers(due, at);
                return true;
            }
        }
        if (events.isEmpty() || eventTime > limit) {
            return false;
        }
        now = eventTime;
        runHeadEvent();
        return true;
    }

    /**
     * Index of the node with the earliest deadline (lowest index on ties), or -1 when no node has one; the
     * deadline itself is left in {@link #earliestDeadline}. Re-read on every step, as deadlines move freely.
     */
    private int earliestDeadlineNode() {
        int due = -1;
        long earliest = Long.MAX_VALUE;
        Attached[] all = nodes;
        for (int i = 0; i < all.length; i++) {
            long deadline = all[i].node.nextDeadline();
            if (deadline < earliest) {
                earliest = deadline;
                due = i;
            }
        }
        earliestDeadline = earliest;
        return due;
    }

    private void fireTimers(int index, long at) {
        now = at;
        if (index == lastAdvanced && at == lastAdvanceTime) {
            if (++advanceStreak >= MAX_ADVANCES_AT_ONE_INSTANT) {
                throw new IllegalStateException("node " + nodes[index].name + " still has a deadline at or before "
                        + at + " ns after " + advanceStreak + " calls to advance(" + at + ") in a row;"
                        + " advance(now) must fire every timer due at or before now");
            }
        } else {
            lastAdvanced = index;
            lastAdvanceTime = at;
            advanceStreak = 1;
        }
        Attached attached = nodes[index];
        if (trace != null) {
            trace.line(at, attached.name + " timer");
        }
        attached.node.advance(at);
    }

    private void runHeadEvent() {
        Object item = events.peekItem();
        int target = events.peekTarget();
        events.removeHead();
        lastAdvanced = -1;
        if (target >= 0) {
            SimLink link = links[target];
            ByteBuf packet = (ByteBuf) item;
            link.arrive(now, packet);
            deliver(nodes[link.to], packet);
        } else {
            ((Runnable) item).run();
        }
    }

    private void deliver(Attached to, ByteBuf packet) {
        SimCpu cpu = to.cpu;
        if (cpu == null) {
            to.node.receive(now, packet);
            return;
        }
        if (!cpu.offer(packet)) {
            if (trace != null) {
                trace.line(now, to.name + " drop-cpu-queue-full");
            }
            return;
        }
        if (!cpu.drainScheduled) {
            cpu.drainScheduled = true;
            events.push(cpu.freeAt(now), to.drain, -1);
        }
    }

    /** Processes the node's next waiting packet, then waits until its CPU is free for the one after. */
    private void drainCpu(Attached node) {
        SimCpu cpu = node.cpu;
        cpu.drainScheduled = false;
        ByteBuf packet = cpu.next(now);
        if (packet != null) {
            node.node.receive(now, packet);
        }
        if (cpu.hasWaiting() && !closed) {
            cpu.drainScheduled = true;
            events.push(cpu.freeAt(now), node.drain, -1);
        }
    }

    private void send(Attached from, ByteBuf packet) {
        if (closed) {
            packet.release();
            return;
        }
        if (from.cpu != null) {
            from.cpu.charge(now);
        }
        int to = packet.readableBytes() >= IPV4_HEADER_LENGTH
                ? addresses.lookup(packet.getInt(packet.readerIndex() + 16))
                : -1;
        if (to < 0) {
            unroutable++;
            if (trace != null) {
                trace.line(now, from.name + ">? drop-noroute " + formatter.describe(packet));
            }
            packet.release();
            return;
        }
        SimLink[] out = from.out;
        SimLink link = to < out.length ? out[to] : null;
        if (link == null) {
            link = linkBetween(from, to);
        }
        link.transmit(now, packet);
    }

    private SimLink linkBetween(Attached from, int to) {
        if (from.out.length <= to) {
            from.out = Arrays.copyOf(from.out, Math.max(to + 1, nodes.length));
        }
        SimLink link = from.out[to];
        if (link == null) {
            link = new SimLink(links.length, from.name + '>' + nodes[to].name, to, defaultLink,
                    linkSeed(seed, from.index, to), events, trace, formatter);
            links = Arrays.copyOf(links, links.length + 1);
            links[link.id] = link;
            from.out[to] = link;
        }
        return link;
    }

    /** An independent, well-mixed seed per direction (SplitMix64's finalizer), so directions never share a stream. */
    static long linkSeed(long worldSeed, int from, int to) {
        long z = worldSeed + 0x9E3779B97F4A7C15L * (1 + ((long) from << 32 | to));
        z = (z ^ z >>> 30) * 0xBF58476D1CE4E5B9L;
        z = (z ^ z >>> 27) * 0x94D049BB133111EBL;
        return z ^ z >>> 31;
    }

    private Attached attached(String name) {
        Attached a = byName.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no node named " + name + "; nodes are " + byName.keySet());
        }
        return a;
    }

    private long deadlineAfter(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("virtual time only moves forward, got " + nanos + " ns");
        }
        long limit = now + nanos;
        return limit < 0 ? Long.MAX_VALUE : limit;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this SimWorld is closed");
        }
    }

    private static int indexOf(int[] values, int value) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == value) {
                return i;
            }
        }
        return -1;
    }

    /** One node as the world knows it: name, index, and the link directions out of it by receiver index. */
    private static final class Attached {
        final String name;
        final int index;
        SimNode node;
        SimLink[] out = new SimLink[0];
        /** Its processing cost, or null when it processes in no time (the default). */
        SimCpu cpu;
        Runnable drain;

        Attached(String name, int index) {
            this.name = name;
            this.index = index;
        }
    }

    /** Settings fixed for the world's life. */
    public static final class Builder {
        private final long seed;
        private LinkFaults defaultLink = LinkFaults.PERFECT;
        private SimTrace trace;
        private SimPacketFormatter formatter;

        private Builder(long seed) {
            this.seed = seed;
        }

        /** The model of every link direction not configured on its own; {@link LinkFaults#PERFECT} if not set. */
        public Builder defaultLink(LinkFaults config) {
            this.defaultLink = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Traces to {@code trace}. Without it the world traces only inside a {@link SimSeeds} run that traces,
         * and otherwise builds no trace strings at all.
         */
        public Builder trace(SimTrace trace) {
            this.trace = trace;
            return this;
        }

        /** How packets look in the trace; by default the TCP codec's tcpdump-like line. */
        public Builder packetFormatter(SimPacketFormatter formatter) {
            this.formatter = formatter;
            return this;
        }

        public SimWorld build() {
            return new SimWorld(this);
        }
    }
}
