package org.nbstack.tcp.link;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.nbstack.spi.link.LinkContext;

/**
 * {@code sim://switchName?loss=..&dup=..&reorder=..&corrupt=..&delay=..&jitter=..&mtu=..&seed=..}: a
 * {@link MemLink} that injects seeded faults on the packets it sends, in real time: delayed packets are
 * scheduled on the sending event loop (or one of the context's loops) and delivered when due. Packets from or to
 * an address {@link SimBlackholes blackholed} on its switch are dropped, as if that host had vanished.
 *
 * <p>Fault draws come from one seeded generator per link, taken under a short lock: several event loops
 * send at once and SplittableRandom is not thread-safe. The schedule of faults is reproducible per seed;
 * which packet meets which draw depends on thread timing, as on a real network.
 */
final class SimLink extends MemLink {
    private final SimConditions conditions;
    private final SplittableRandom random;
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

    SimLink(LinkUri parsed, SimConditions conditions, LinkContext context) {
        super(parsed, "sim:" + parsed.name, context);
        this.conditions = conditions;
        this.random = new SplittableRandom(conditions.seed() ^ addressSeed(port));
        this.loops = context.eventLoops();
    }

    private static long addressSeed(MemSwitch.Port port) {
        long h = 0;
        for (int a : port.addresses()) {
            h = h * 31 + a;
        }
        return h;
    }

    SimConditions conditions() {
        return conditions;
    }

    SimCounters simCounters() {
        return simCounters;
    }

    @Override
    public int mtu() {
        return Math.min(super.mtu(), conditions.mtu());
    }

    @Override
    public void send(ByteBuf packet) {
        int length = packet.readableBytes();
        if (isClosed()) {
            drop(packet);
            return;
        }
        if (length > mtu()) {
            simCounters.tooBig.increment();
            drop(packet);
            return;
        }
        boolean lose;
        boolean corrupt;
        boolean duplicate;
        boolean reorder;
        long delay;
        long duplicateDelay;
        int corruptAt;
        synchronized (random) {
            lose = random.nextDouble() < conditions.loss();
            corrupt = random.nextDouble() < conditions.corrupt();
            duplicate = random.nextDouble() < conditions.duplicate();
            reorder = random.nextDouble() < conditions.reorder();
            delay = conditions.delayNanos() + jitter();
            duplicateDelay = conditions.delayNanos() + jitter();
            corruptAt = random.nextInt(length * 8);
        }
        if (lose) {
            simCounters.lost.increment();
            drop(packet);
            return;
        }
        if (corrupt) {
            // The engine encodes every packet into a fresh buffer, so it may be changed in place.
            int index = packet.readerIndex() + corruptAt / 8;
            packet.setByte(index, packet.getByte(index) ^ 1 << (corruptAt & 7));
            simCounters.corrupted.increment();
        }
        if (reorder) {
            delay += conditions.reorderDelayNanos();
            simCounters.reordered.increment();
        }
        if (duplicate) {
            simCounters.duplicated.increment();
            deliver(packet.retainedDuplicate(), duplicateDelay);
        }
        deliver(packet, delay);
    }

    private long jitter() {
        return conditions.jitterNanos() == 0 ? 0 : random.nextLong(conditions.jitterNanos());
    }

    private void deliver(ByteBuf packet, long delayNanos) {
        if (delayNanos <= 0) {
            forward(packet);
            return;
        }
        Delivery d = new Delivery(packet);
        inFlight.add(d);
        EventExecutor current = ThreadExecutorMap.currentExecutor();
        EventExecutor executor = current != null && !current.isShuttingDown() ? current : loops.next();
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
