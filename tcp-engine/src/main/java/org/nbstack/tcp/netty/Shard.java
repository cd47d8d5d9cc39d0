package org.nbstack.tcp.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.PlatformDependent;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.nbstack.tcp.stack.StackConfig;
import org.nbstack.tcp.stack.TcpStack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One engine shard: the {@link TcpStack} of one event loop, driven only from that loop. Packets from the
 * link arrive through a bounded MPSC queue drained by one {@code execute()} per batch; the stack's timers
 * run from one scheduled task, moved only when the stack's next deadline moves earlier. After every call
 * into the stack the shard processes the {@link ShardWork} the call produced (channel events, accepted
 * connections), so no channel handler ever runs inside the TCP state machine.
 */
final class Shard {
    private static final Logger log = LoggerFactory.getLogger(Shard.class);
    /** Packets a shard buffers from the link before it drops (like a NIC ring); TCP recovers from drops. */
    static final int INBOUND_CAPACITY = 8192;
    /** Packets one drain task processes before it yields the loop to other tasks. */
    private static final int DRAIN_BUDGET = 1024;

    final Engine engine;
    final EventLoop loop;
    final TcpStack stack;
    private final Queue<ByteBuf> inbound = PlatformDependent.newFixedMpscQueue(INBOUND_CAPACITY);
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drainInbound;
    private final Runnable timerTask = this::runTimers;
    private final Runnable passTask = this::runScheduledPass;
    private final ArrayDeque<ShardWork> work = new ArrayDeque<>();
    private final Map<EngineServerSocketChannel, ShardListener> listeners = new HashMap<>();
    private Engine.ListenerSet listenersInstalled;
    private final LongAdder inboundDrops = new LongAdder();
    private final LongAdder wakeups = new LongAdder();
    private boolean inPass;
    private boolean passScheduled;
    private long timerDeadline = Long.MAX_VALUE;
    private ScheduledFuture<?> timerFuture;
    private volatile boolean closed;

    /**
     * The shard of {@code loop} for a channel registering there, or null after failing {@code promise} with why
     * there is none (the engine is closed, its link cannot open). Netty 4.2 leaves the registration promise to
     * {@code doRegister}: an exception thrown from there would leave it pending forever.
     */
    static Shard forRegistration(Engine engine, EventLoop loop, ChannelPromise promise) {
        try {
            return engine.shard(loop);
        } catch (RuntimeException e) {
            promise.setFailure(e);
            return null;
        }
    }

    Shard(Engine engine, EventLoop loop, StackConfig config) {
        this.engine = engine;
        this.loop = loop;
        // The loop's clock: the system's, or a simulation's virtual one (tcp.sim.SimEventLoops).
        this.stack = new TcpStack(config, engine::sendToLink, engine.allocator(), loop.ticker()::nanoTime);
        this.stack.linkGuaranteesIntegrity(engine.link().guaranteesIntegrity());
        // Fragments all reach the first shard; the datagram they make may belong to another one.
        this.stack.ipInput().routeReassembled(engine::receiveFromLink);
    }

    long inboundDrops() {
        return inboundDrops.sum();
    }

    // ------------------------------------------------------------------------------------------------
    // Packets from the link (any thread)

    void enqueue(ByteBuf packet) {
        if (closed || !inbound.offer(packet)) {
            inboundDrops.increment();
            packet.release();
            return;
        }
        if (closed) {
            releaseInbound(); // raced with close(): nobody drains this queue any more
            return;
        }
        if (drainScheduled.get()) {
            return; // a drain is due already and will find this packet
        }
        if (loop.inEventLoop() || !LoopWakeups.owe(this)) {
            wake(); // else one wake-up when the sender's engine work ends, however many packets it sends here
        }
    }

    /** Schedules a drain of the inbound queue unless one is due; from another thread, that wakes this loop. */
    void wake() {
        if (drainScheduled.compareAndSet(false, true)) {
            if (!loop.inEventLoop()) {
                wakeups.increment();
            }
            try {
                loop.execute(drainTask);
            } catch (RejectedExecutionException e) {
                releaseInbound(); // the loop is gone; so is the shard
            }
        }
    }

    /** Drains scheduled from other threads: each may have woken this loop. */
    long wakeups() {
        return wakeups.sum();
    }

    private void drainInbound() {
        drainScheduled.set(false);
        if (closed) {
            releaseInbound();
            return;
        }
        ByteBuf packet;
        int budget = DRAIN_BUDGET;
        LoopWakeups wakeups = LoopWakeups.begin(); // what the packets make us send wakes each peer loop once
        try {
            while (budget-- > 0 && (packet = inbound.poll()) != null) {
                syncListeners(); // per packet: a bind may complete while this batch runs, and its SYN follow
                stack.receive(packet);
            }
        } finally {
            wakeups.end();
        }
        if (!inbound.isEmpty() && drainScheduled.compareAndSet(false, true)) {
            loop.execute(drainTask);
        }
        afterStackCall();
    }

    /**
     * Processes the packets that have already reached this shard, before the caller (a channel's write) looks at its
     * connection: the kernel has processed what arrived before write(2) answers, so a peer's RST that is here
     * already makes the write fail as on epoll. The events the packets produce wait for a pass, as always: no
     * channel handler runs inside the caller.
     */
    void receiveArrived() {
        if (closed || inbound.isEmpty()) {
            return;
        }
        boolean callerInPass = inPass;
        inPass = true; // events queue up; a pass delivers them after the caller returns
        LoopWakeups wakeups = LoopWakeups.begin();
        try {
            ByteBuf packet;
            int budget = DRAIN_BUDGET;
            while (budget-- > 0 && (packet = inbound.poll()) != null) {
                syncListeners();
                stack.receive(packet);
            }
        } finally {
            wakeups.end();
            inPass = callerInPass;
        }
        if (!callerInPass && !work.isEmpty() && !passScheduled) {
            passScheduled = true;
            loop.execute(passTask);
        }
        armTimer();
    }

    /** Only once the shard is closed, possibly from several threads: the lock serializes the queue's consumers. */
    private synchronized void releaseInbound() {
        ByteBuf packet;
        while ((packet = inbound.poll()) != null) {
            packet.release();
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Work produced by stack calls (loop thread only)

    /** Queues {@code w} to be processed on this loop after the current stack call. */
    void submit(ShardWork w) {
        if (w.queued || closed) {
            return;
        }
        w.queued = true;
        work.add(w);
        if (!inPass && !passScheduled) {
            // Never run channel handlers from inside the caller (a user write, a stack event): the
            // pass runs as its own task, as NIO delivers reads from its own select loop iteration.
            passScheduled = true;
            loop.execute(passTask);
        }
    }

    private void runScheduledPass() {
        passScheduled = false;
        afterStackCall();
    }

    /** After the stack ran: deliver what it produced, then make sure its next deadline has a timer. */
    void afterStackCall() {
        if (!inPass) {
            inPass = true;
            try {
                ShardWork w;
                while ((w = work.poll()) != null) {
                    w.queued = false;
                    try {
                        w.process();
                    } catch (RuntimeException e) {
                        log.warn("engine shard: processing {} failed", w, e);
                    }
                }
            } finally {
                inPass = false;
            }
        }
        armTimer();
    }

    /** Schedules the stack's timer task if its next deadline is earlier than the one scheduled. */
    void armTimer() {
        long deadline = stack.nextDeadline();
        if (deadline >= timerDeadline || closed) {
            return;
        }
        if (timerFuture != null) {
            timerFuture.cancel(false);
        }
        timerDeadline = deadline;
        long delay = Math.max(0, deadline - loop.ticker().nanoTime());
        timerFuture = loop.schedule(timerTask, delay, TimeUnit.NANOSECONDS);
    }

    private void runTimers() {
        timerDeadline = Long.MAX_VALUE;
        timerFuture = null;
        if (closed) {
            return;
        }
        syncListeners();
        LoopWakeups wakeups = LoopWakeups.begin();
        try {
            stack.runTimers();
        } finally {
            wakeups.end();
        }
        afterStackCall();
    }

    // ------------------------------------------------------------------------------------------------
    // Listeners (loop thread only)

    /**
     * Makes this shard's listeners those of the engine. Called before every stack call that can take a SYN
     * (a packet, a timer, a connect), so a listener whose {@code bind()} has completed is always there; one
     * volatile read when nothing changed.
     */
    void syncListeners() {
        Engine.ListenerSet wanted = engine.listenerSet();
        if (wanted == listenersInstalled || closed) {
            return;
        }
        listenersInstalled = wanted;
        boolean removed = listeners.entrySet().removeIf(e -> {
            if (wanted.has(e.getKey())) {
                return false;
            }
            e.getValue().close();
            return true;
        });
        for (Engine.ListenerSpec spec : wanted.specs()) {
            if (!listeners.containsKey(spec.route().server)) {
                ShardListener l = new ShardListener(this, spec.route().server);
                l.attach(stack.listen(spec.address(), spec.port(), spec.backlog(), l));
                listeners.put(spec.route().server, l);
            }
        }
        if (removed) {
            afterStackCall();
        }
    }

    /** Gives every listener of {@code server} on this shard another chance to hand over connections. */
    void resumeAccepting(EngineServerSocketChannel server) {
        ShardListener l = listeners.get(server);
        if (l != null) {
            submit(l);
        }
    }

    // ------------------------------------------------------------------------------------------------

    boolean isClosed() {
        return closed;
    }

    /** The loop terminated: release everything the stack and the queue still hold. */
    void close() {
        closed = true;
        stack.close();
        releaseInbound();
        listeners.clear();
        work.clear();
    }

    @Override
    public String toString() {
        return "engine shard on " + loop;
    }
}
