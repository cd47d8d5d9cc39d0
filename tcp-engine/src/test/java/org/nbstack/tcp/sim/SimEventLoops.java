package org.nbstack.tcp.sim;

import io.netty.util.concurrent.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A deterministic simulation of Netty event loops in virtual time: every loop of every {@link SimEventLoopGroup} it
 * makes (a server's, its clients', a test's own) is run by one scheduler on the thread that calls the {@code run}
 * methods, one task at a time. Which runnable loop goes next is drawn from a generator seeded with the simulation's
 * seed; time jumps to the next deadline when no loop has work at the current instant. Nothing runs between calls to
 * the {@code run} methods, so what a test does there happens at one well-defined instant. The same seed and the same
 * calls replay exactly, provided everything else in the run is seeded too (the engine's {@code secretSeed}, the
 * {@code sim} link's {@code seed}) and nothing reads the wall clock where behaviour depends on it (channels and
 * handlers read {@code eventLoop().ticker()}).
 *
 * <p>CPU: each task occupies its loop for {@link #taskCostNanos()} of virtual time, so work that piles up on a loop
 * (a flood, a session that makes its loop spin) delays that loop's other channels, which a zero-cost simulation would
 * hide.
 */
public final class SimEventLoops implements AutoCloseable {
    /** Virtual time at the start of every simulation; not zero, which Netty's scheduler reads as "no deadline". */
    public static final long START_NANOS = 1_000_000_000L;
    /** Default CPU time of one task: a packet through the engine and a pipeline, roughly, on a current core. */
    public static final long DEFAULT_TASK_COST_NANOS = 2_000;
    /** Tasks at one virtual instant after which the simulation is considered stuck (a task that re-submits itself). */
    static final long MAX_TASKS_AT_ONE_INSTANT = 5_000_000;
    private static final Logger log = LoggerFactory.getLogger(SimEventLoops.class);

    private final long seed;
    private final long taskCostNanos;
    private final SplittableRandom random;
    private final SimTrace trace;
    private final Thread driver;
    private final VirtualTicker ticker = new VirtualTicker();
    private final Object wakeUps = new Object();
    private final List<SimEventLoopGroup> groups = new ArrayList<>();
    /** Copy-on-write: a blocking call's helper thread may add a group while the driver reads it. */
    private volatile SimEventLoop[] loops = new SimEventLoop[0];
    private SimEventLoop[] candidates = new SimEventLoop[0];
    private volatile long now = START_NANOS;
    private SimEventLoop running;
    private long tasksAtThisInstant;
    private long lastInstant = -1;
    private Throwable firstTaskFailure;
    private boolean closed;

    /** A simulation whose loop choices derive from {@code seed}, with the default task cost. */
    public SimEventLoops(long seed) {
        this(seed, DEFAULT_TASK_COST_NANOS);
    }

    /** @param taskCostNanos virtual CPU time every task takes on its loop; 0 for none */
    public SimEventLoops(long seed, long taskCostNanos) {
        if (taskCostNanos < 0) {
            throw new IllegalArgumentException("the task cost cannot be negative, got " + taskCostNanos);
        }
        this.seed = seed;
        this.taskCostNanos = taskCostNanos;
        this.random = new SplittableRandom(seed);
        this.trace = SimRunContext.currentTrace();
        this.driver = Thread.currentThread();
    }

    public long seed() {
        return seed;
    }

    public long taskCostNanos() {
        return taskCostNanos;
    }

    /**
     * A new group of {@code size} loops named {@code name-0}, {@code name-1}, ...; from the driving thread or from
     * within {@link #callBlocking} (a server making its loops).
     */
    public synchronized SimEventLoopGroup newGroup(String name, int size) {
        if (closed) {
            throw new IllegalStateException("the simulation is closed");
        }
        SimEventLoopGroup group = new SimEventLoopGroup(this, name, size);
        groups.add(group);
        SimEventLoop[] next = Arrays.copyOf(loops, loops.length + size);
        for (int i = 0; i < size; i++) {
            next[loops.length + i] = group.loops().get(i);
        }
        loops = next;
        trace("new group " + name + " of " + size + " loops");
        return group;
    }

    /** The virtual clock every loop of this simulation reads. */
    public Ticker ticker() {
        return ticker;
    }

    /** Virtual time now, in the clock's nanoseconds (it starts at {@link #START_NANOS}). */
    public long nanoTime() {
        return now;
    }

    /** Virtual time since the simulation started. */
    public Duration elapsed() {
        return Duration.ofNanos(now - START_NANOS);
    }

    /** Tasks run so far by every loop. */
    public long tasksRun() {
        long n = 0;
        for (SimEventLoop loop : loops) {
            n += loop.tasksRun;
        }
        return n;
    }

    /** Writes a line to the trace of the seed being run (see {@link SimSeeds}), if it is traced. */
    public void trace(String text) {
        if (trace != null) {
            trace.line(now - START_NANOS, text);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Driving

    /** Runs every loop for {@code duration} of virtual time; afterwards the clock reads exactly that much later. */
    public void runFor(Duration duration) {
        long until = now + duration.toNanos();
        drive(until, null);
        now = Math.max(now, until);
    }

    /**
     * Runs until {@code done} holds (checked whenever the current instant has no work left) or {@code within} of
     * virtual time has passed.
     *
     * @return whether {@code done} held; when not, the clock reads the bound
     */
    public boolean runUntil(BooleanSupplier done, Duration within) {
        long until = now + within.toNanos();
        if (drive(until, done)) {
            return true;
        }
        now = Math.max(now, until);
        return false;
    }

    /**
     * Calls {@code call}, which may block on futures of this simulation's loops (a server's start or stop), on a
     * helper thread while this thread runs the tasks it causes; timers do not fire meanwhile (time advances only for
     * loops that are busy). Meant for setup and teardown at an instant when nothing else is going on: tasks the
     * helper submits interleave with other ready tasks by thread timing.
     */
    public <T> T callBlocking(Callable<T> call) throws Exception {
        requireDriver();
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread helper = Thread.ofPlatform().daemon().name("sim-blocking-call").start(() -> {
            try {
                result.complete(call.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        long wallDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!result.isDone()) {
            if (!runQueuedTask()) {
                synchronized (wakeUps) {
                    if (!result.isDone() && !hasQueuedTask()) {
                        wakeUps.wait(1);
                    }
                }
            }
            if (System.nanoTime() > wallDeadline) {
                helper.interrupt();
                throw new IllegalStateException("a blocking call in the simulation did not return within 60 s: it waits"
                        + " for something only virtual time brings (a timer), which callBlocking does not advance");
            }
        }
        rethrowTaskFailure();
        try {
            return result.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Runs tasks up to virtual time {@code until}; true as soon as {@code done} holds. */
    private boolean drive(long until, BooleanSupplier done) {
        requireDriver();
        while (true) {
            SimEventLoop next = pick();
            if (next == null) {
                if (done != null && done.getAsBoolean()) {
                    return true;
                }
                long at = earliestRunnable();
                if (at == Long.MAX_VALUE || at > until) {
                    rethrowTaskFailure();
                    return false;
                }
                now = at;
                continue;
            }
            runOne(next);
        }
    }

    /** A loop that can run at the current instant, drawn from the seeded generator; null when none can. */
    private SimEventLoop pick() {
        SimEventLoop[] loops = loopsForDriver();
        int n = 0;
        for (SimEventLoop loop : loops) {
            if (loop.nextRunnableAt() <= now) {
                candidates[n++] = loop;
            }
        }
        return n == 0 ? null : candidates[n == 1 ? 0 : random.nextInt(n)];
    }

    private SimEventLoop[] loopsForDriver() {
        SimEventLoop[] current = loops;
        if (candidates.length < current.length) {
            candidates = new SimEventLoop[current.length];
        }
        return current;
    }

    private long earliestRunnable() {
        long at = Long.MAX_VALUE;
        for (SimEventLoop loop : loops) {
            at = Math.min(at, loop.nextRunnableAt());
        }
        return at;
    }

    private void runOne(SimEventLoop loop) {
        if (now != lastInstant) {
            lastInstant = now;
            tasksAtThisInstant = 0;
        } else if (++tasksAtThisInstant > MAX_TASKS_AT_ONE_INSTANT) {
            throw new IllegalStateException("simulation stuck: " + MAX_TASKS_AT_ONE_INSTANT + " tasks at virtual time "
                    + elapsed() + " without time moving on (a task that keeps re-submitting itself?)");
        }
        running = loop;
        try {
            loop.runOne(now);
        } finally {
            running = null;
        }
        loop.busyUntil = now + taskCostNanos;
    }

    /** One queued (not scheduled) task of a loop, advancing time only to when a busy loop is free again. */
    private boolean runQueuedTask() {
        SimEventLoop[] loops = loopsForDriver();
        SimEventLoop pick = null;
        long earliest = Long.MAX_VALUE;
        int n = 0;
        for (SimEventLoop loop : loops) {
            long at = loop.nextRunnableAt();
            if (!loop.hasQueuedWork() || at == Long.MAX_VALUE) {
                continue;
            }
            if (at <= now) {
                candidates[n++] = loop;
            }
            earliest = Math.min(earliest, at);
        }
        if (n > 0) {
            pick = candidates[n == 1 ? 0 : random.nextInt(n)];
        } else if (earliest != Long.MAX_VALUE) {
            now = earliest;
            return true;
        } else {
            return false;
        }
        runOne(pick);
        return true;
    }

    private boolean hasQueuedTask() {
        for (SimEventLoop loop : loops) {
            if (loop.hasQueuedWork()) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------------------------------------
    // For the loops

    SimEventLoop running() {
        return running;
    }

    boolean isDriver(Thread thread) {
        return thread == driver;
    }

    void wakeUp() {
        if (Thread.currentThread() != driver) {
            synchronized (wakeUps) {
                wakeUps.notifyAll();
            }
        }
    }

    void taskFailed(SimEventLoop loop, Throwable e) {
        log.warn("a task on {} failed at virtual time {}", loop, elapsed(), e);
        trace(loop + ": task failed: " + e);
        if (firstTaskFailure == null) {
            firstTaskFailure = e;
        }
    }

    private void rethrowTaskFailure() {
        Throwable failure = firstTaskFailure;
        if (failure != null) {
            firstTaskFailure = null;
            throw new AssertionError("a task of the simulation threw (Netty's loops would only log it): " + failure, failure);
        }
    }

    private void requireDriver() {
        if (Thread.currentThread() != driver) {
            throw new IllegalStateException("a simulation is driven only by the thread that made it (" + driver
                    + "), not " + Thread.currentThread());
        }
    }

    /**
     * Shuts every loop down and runs them until they have terminated (channels closing, engines' shards releasing
     * their buffers); whatever still runs after a million tasks is dropped.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        synchronized (this) {
            closed = true;
        }
        for (SimEventLoopGroup group : groups) {
            group.shutdownGracefully(0, 0, TimeUnit.NANOSECONDS);
        }
        for (int i = 0; i < 1_000_000 && runQueuedTask(); i++) {
            // each loop terminates when its queue is empty
        }
        for (SimEventLoop loop : loops) {
            running = loop;
            try {
                loop.terminateNow();
            } finally {
                running = null;
            }
        }
    }

    @Override
    public String toString() {
        return "simulation of seed " + seed + " at " + elapsed() + " (" + loops.length + " loops)";
    }

    /** The simulation's clock, for {@code ticker()} of its loops and groups. */
    private final class VirtualTicker implements Ticker {
        @Override
        public long initialNanoTime() {
            return START_NANOS;
        }

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleep(long delay, TimeUnit unit) {
            throw new UnsupportedOperationException("nothing may sleep in a simulation: schedule a task instead");
        }
    }
}
