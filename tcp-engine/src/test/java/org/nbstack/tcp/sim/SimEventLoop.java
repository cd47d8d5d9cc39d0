package org.nbstack.tcp.sim;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.AbstractScheduledEventExecutor;
import io.netty.util.concurrent.DefaultPromise;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.Ticker;
import io.netty.util.internal.ThreadExecutorMap;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One event loop of a {@link SimEventLoops} simulation: a task queue and a queue of scheduled tasks whose clock is
 * the simulation's virtual clock. It has no thread: the simulation runs its tasks one at a time on the thread that
 * drives it, and while it does, this loop (and only this one) is "in its event loop". Netty channels without an
 * IoHandle (the engine's) register on it like on any loop.
 *
 * <p>CPU model: every task occupies the loop for the simulation's task cost, so a loop with a backlog of work runs
 * its next task later in virtual time, as a busy thread would.
 */
public final class SimEventLoop extends AbstractScheduledEventExecutor implements EventLoop {
    private enum State { RUNNING, SHUTTING_DOWN, TERMINATED }

    private final SimEventLoops sim;
    private final SimEventLoopGroup group;
    private final String name;
    /** Tasks from the driving thread and, during {@link SimEventLoops#callBlocking}, from its helper thread. */
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Promise<Void> terminated;
    private volatile State state = State.RUNNING;
    /** Virtual time until which the task that ran last keeps this loop busy. */
    long busyUntil;
    long tasksRun;

    SimEventLoop(SimEventLoops sim, SimEventLoopGroup group, String name) {
        super(group);
        this.sim = sim;
        this.group = group;
        this.name = name;
        this.terminated = new Termination(sim);
    }

    /**
     * A termination future whose listeners run at once on the driving thread (an engine's shard is released the moment
     * its loop ends), and which a blocking call's helper thread may wait on; the driving thread itself may not.
     */
    static final class Termination extends DefaultPromise<Void> {
        private final SimEventLoops sim;

        Termination(SimEventLoops sim) {
            super(ImmediateEventExecutor.INSTANCE);
            this.sim = sim;
        }

        @Override
        protected void checkDeadLock() {
            if (sim.isDriver(Thread.currentThread())) {
                throw new io.netty.util.concurrent.BlockingOperationException("the simulation's driving thread waits for "
                        + "a loop to terminate, which only it can run; shut loops down with SimEventLoops.close()");
            }
        }
    }

    @Override
    public Ticker ticker() {
        return sim.ticker();
    }

    @Override
    public EventLoopGroup parent() {
        return group;
    }

    @Override
    public EventLoop next() {
        return this;
    }

    @Override
    public boolean inEventLoop(Thread thread) {
        return sim.running() == this && sim.isDriver(thread);
    }

    @Override
    public void execute(Runnable task) {
        if (task == null) {
            throw new NullPointerException("task");
        }
        if (state == State.TERMINATED) {
            throw new RejectedExecutionException(this + " has terminated");
        }
        tasks.add(task);
        sim.wakeUp();
    }

    // ------------------------------------------------------------------------------------------------
    // Driven by SimEventLoops, on its thread

    /** The virtual time this loop could run its next task, or Long.MAX_VALUE when it has nothing to do. */
    long nextRunnableAt() {
        if (state == State.TERMINATED) {
            return Long.MAX_VALUE;
        }
        if (!tasks.isEmpty() || state == State.SHUTTING_DOWN) {
            return busyUntil;
        }
        long deadline = nextScheduledTaskDeadlineNanos();
        return deadline == -1 ? Long.MAX_VALUE : Math.max(deadline, busyUntil);
    }

    /** Runs one task: a due scheduled one moves to the task queue first, in deadline order, as Netty's loops do. */
    void runOne(long now) {
        Runnable due;
        while ((due = pollScheduledTask(now)) != null) {
            tasks.add(due);
        }
        Runnable task = tasks.poll();
        if (task != null) {
            tasksRun++;
            try {
                ThreadExecutorMap.apply(task, this).run();
            } catch (Throwable e) {
                sim.taskFailed(this, e);
            }
        }
        if (state == State.SHUTTING_DOWN && tasks.isEmpty()) {
            terminate();
        }
    }

    /** Whether a task waits in the queue (scheduled ones aside) or the loop still has to terminate. */
    boolean hasQueuedWork() {
        return state != State.TERMINATED && (!tasks.isEmpty() || state == State.SHUTTING_DOWN);
    }

    private void terminate() {
        cancelScheduledTasks();
        state = State.TERMINATED;
        terminated.trySuccess(null);
    }

    /** Ends the loop at once, dropping its tasks (the simulation is over). Only as the running loop. */
    void terminateNow() {
        tasks.clear();
        if (state != State.TERMINATED) {
            terminate();
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Registration

    @Override
    public ChannelFuture register(Channel channel) {
        return register(new DefaultChannelPromise(channel, this));
    }

    @Override
    public ChannelFuture register(ChannelPromise promise) {
        promise.channel().unsafe().register(this, promise);
        return promise;
    }

    @Deprecated
    @Override
    public ChannelFuture register(Channel channel, ChannelPromise promise) {
        channel.unsafe().register(this, promise);
        return promise;
    }

    // ------------------------------------------------------------------------------------------------
    // Shutdown: the loop runs the tasks it has, then terminates; scheduled tasks are cancelled

    @Override
    public boolean isShuttingDown() {
        return state != State.RUNNING;
    }

    @Override
    public Future<?> shutdownGracefully(long quietPeriod, long timeout, TimeUnit unit) {
        if (state == State.RUNNING) {
            state = State.SHUTTING_DOWN; // the next turn of this loop terminates it once its tasks are done
            sim.wakeUp();
        }
        return terminated;
    }

    @Override
    public Future<?> terminationFuture() {
        return terminated;
    }

    @Deprecated
    @Override
    public void shutdown() {
        shutdownGracefully(0, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public boolean isShutdown() {
        return state != State.RUNNING;
    }

    @Override
    public boolean isTerminated() {
        return state == State.TERMINATED;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated(); // nothing runs unless the simulation is driven, so waiting cannot help
    }

    @Override
    public String toString() {
        return "sim loop " + name;
    }
}
