package org.nbstack.tcp.link;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.nbstack.spi.link.LinkContext;

/**
 * {@code sim://switchName?loss=..&dup=..&reorder=..&reorderDelay=..&corrupt=..&delay=..&jitter=..&mtu=..&seed=..}:
 * a {@link MemLink} that injects seeded faults on the packets it sends, in real time, under the same
 * {@link LinkFaults} model and {@link ArrivalOrder} as the deterministic simulator's links: delayed packets are
 * scheduled on the sending event loop (or one of the context's loops) and delivered when due. Packets from or to
 * an address {@link SimBlackholes blackholed} on its switch are dropped, as if that host had vanished.
 *
 * <p>Fault draws come from one seeded generator per link, taken under a short lock: several event loops
 * send at once and SplittableRandom is not thread-safe. The schedule of faults is reproducible per seed;
 * which packet meets which draw depends on thread timing, as on a real network.
 */
final class FaultyMemLink extends MemLink {
    /** The query keys of a {@code sim://} URI. */
    static final Set<String> KEYS = Set.of("loss", "dup", "reorder", "corrupt", "delay", "jitter", "reorderDelay",
            "mtu", "seed");
    private static final long DEFAULT_REORDER_DELAY_NANOS = 1_000_000L;

    private final LinkFaults faults;
    private final SplittableRandom random;
    /** Guarded by {@link #random}'s lock, like the draws. */
    private final ArrivalOrder arrivals = new ArrivalOrder();
    private final EventLoopGroup loops;
    private final SimCounters simCounters = new SimCounters();
    /** Packets scheduled for later delivery; released by {@link #close} if still here. */
    private final ConcurrentHashMap.KeySetView<Delivery, Boolean> inFlight = ConcurrentHashMap.newKeySet();

    /** One delayed packet; whoever removes it from {@link #inFlight} first delivers or releases it. */
    private final class Delivery implements Runnable {
        private final ByteBuf packet;

        Delivery(ByteBuf packet) {
            this.packet = packet;
        }

        @Override
        public void run() {
            if (inFlight.remove(this)) {
                forward(packet);
            }
        }
    }

    /** {@code faults} and {@code seed} are parsed before: a bad query must fail before the link joins its switch. */
    FaultyMemLink(LinkUri parsed, LinkFaults faults, long seed, LinkContext context) {
        super(parsed, "sim:" + parsed.name, context);
        this.faults = faults;
        this.random = new SplittableRandom(seed ^ addressSeed(port));
        this.loops = context.eventLoops();
    }

    /** The faults a {@code sim://} URI's query asks for; what it does not name is perfect. */
    static LinkFaults faultsOf(LinkUri uri) {
        long reorderDelay = uri.params.containsKey("reorderDelay") ? uri.durationNanos("reorderDelay")
                : DEFAULT_REORDER_DELAY_NANOS;
        return LinkFaults.PERFECT.withLoss(uri.probability("loss")).withDuplication(uri.probability("dup"))
                .withReordering(uri.probability("reorder"), reorderDelay).withCorruption(uri.probability("corrupt"))
                .withDelay(uri.durationNanos("delay"), uri.durationNanos("jitter"))
                .withMtu(uri.intParam("mtu", MemLink.DEFAULT_MTU, 68, MemLink.DEFAULT_MTU));
    }

    private static long addressSeed(MemSwitch.Port port) {
        long h = 0;
        for (int a : port.addresses()) {
            h = h * 31 + a;
        }
        return h;
    }

    SimCounters simCounters() {
        return simCounters;
    }

    /** It corrupts packets when asked to ({@code corrupt=}), so the engine must checksum them as on a real wire. */
    @Override
    public boolean guaranteesIntegrity() {
        return false;
    }

    @Override
    public int mtu() {
        return Math.min(super.mtu(), faults.mtu());
    }

    @Override
    public void send(ByteBuf packet) {
        if (isClosed()) {
            drop(packet);
            return;
        }
        if (packet.readableBytes() > mtu()) {
            simCounters.tooBig.increment();
            drop(packet);
            return;
        }
        EventExecutor current = ThreadExecutorMap.currentExecutor();
        EventExecutor executor = current != null && !current.isShuttingDown() ? current : loops.next();
        // The loop's clock: the system's, or a simulation's virtual one.
        long now = executor.ticker().nanoTime();
        boolean lose;
        boolean duplicate = false;
        synchronized (random) {
            lose = LinkFaults.happens(random, faults.lossProbability());
            if (!lose) {
                duplicate = LinkFaults.happens(random, faults.duplicateProbability());
            }
        }
        if (lose) {
            simCounters.lost.increment();
            drop(packet);
            return;
        }
        if (duplicate) {
            simCounters.duplicated.increment();
            // A copy, not a shared view: each copy may be corrupted on its own.
            schedule(executor, now, packet.copy());
        }
        schedule(executor, now, packet);
    }

    /** Corrupts, delays and reorders one packet (or copy) under the model, in the simulator's order of draws. */
    private void schedule(EventExecutor executor, long now, ByteBuf packet) {
        int corruptAt = -1;
        long arrival;
        boolean reordered;
        synchronized (random) {
            if (LinkFaults.happens(random, faults.corruptProbability())) {
                corruptAt = random.nextInt(packet.readableBytes() * 8);
            }
            arrival = arrivals.arrival(now, faults, random);
            reordered = arrivals.lastReorderDelay() > 0;
        }
        if (corruptAt >= 0) {
            // The engine encodes every packet into a fresh buffer, and a duplicate is a copy: changed in place.
            int index = packet.readerIndex() + corruptAt / 8;
            packet.setByte(index, packet.getByte(index) ^ 1 << (corruptAt & 7));
            simCounters.corrupted.increment();
        }
        if (reordered) {
            simCounters.reordered.increment();
        }
        deliver(executor, packet, arrival - now);
    }

    private void deliver(EventExecutor executor, ByteBuf packet, long delayNanos) {
        if (delayNanos <= 0) {
            forward(packet);
            return;
        }
        Delivery d = new Delivery(packet);
        inFlight.add(d);
        try {
            executor.schedule(d, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            if (inFlight.remove(d)) {
                drop(packet);
            }
        }
        if (isClosed() && inFlight.remove(d)) {
            drop(packet); // raced with close()
        }
    }

    /** Checked here, not on send, so that packets already in flight when a host vanishes are lost too. */
    private void forward(ByteBuf packet) {
        int length = packet.readableBytes();
        if (medium.swallows(packet)) {
            simCounters.blackholed.increment();
            drop(packet);
            return;
        }
        if (!isClosed() && medium.forward(packet)) {
            counters.sent(length);
        } else {
            drop(packet);
        }
    }

    @Override
    public void close() {
        super.close();
        for (Delivery d : inFlight) {
            if (inFlight.remove(d)) {
                d.packet.release();
            }
        }
    }
}
