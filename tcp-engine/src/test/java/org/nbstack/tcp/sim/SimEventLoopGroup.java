package org.nbstack.tcp.sim;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.AbstractEventExecutorGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.Ticker;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A group of {@link SimEventLoop}s, all driven by one {@link SimEventLoops} simulation. {@link #next()} takes the
 * loops in turn (deterministic, as Netty's power-of-two chooser is for a single thread of callers).
 */
public final class SimEventLoopGroup extends AbstractEventExecutorGroup implements EventLoopGroup {
    private final SimEventLoops sim;
    private final String name;
    private final List<SimEventLoop> loops;
    private final Promise<Void> terminated;
    private int nextIndex;

    SimEventLoopGroup(SimEventLoops sim, String name, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a simulated event loop group needs at least one loop, got " + size);
        }
        this.sim = sim;
        this.name = name;
        this.terminated = new SimEventLoop.Termination(sim);
        SimEventLoop[] made = new SimEventLoop[size];
        for (int i = 0; i < size; i++) {
            made[i] = new SimEventLoop(sim, this, name + "-" + i);
        }
        this.loops = List.of(made);
        int[] left = {size};
        for (SimEventLoop loop : loops) {
            loop.terminationFuture().addListener(f -> {
                if (--left[0] == 0) {
                    terminated.trySuccess(null);
                }
            });
        }
    }

    /** The loops, in the order {@link #next()} hands them out. */
    public List<SimEventLoop> loops() {
        return loops;
    }

    @Override
    public Ticker ticker() {
        return sim.ticker();
    }

    @Override
    public EventLoop next() {
        SimEventLoop loop = loops.get(nextIndex);
        nextIndex = (nextIndex + 1) % loops.size();
        return loop;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Iterator<EventExecutor> iterator() {
        return (Iterator) loops.iterator();
    }

    @Override
    public ChannelFuture register(Channel channel) {
        return next().register(channel);
    }

    @Override
    public ChannelFuture register(ChannelPromise promise) {
        return next().register(promise);
    }

    @Deprecated
    @Override
    public ChannelFuture register(Channel channel, ChannelPromise promise) {
        return next().register(channel, promise);
    }

    @Override
    public boolean isShuttingDown() {
        return loops.stream().allMatch(SimEventLoop::isShuttingDown);
    }

    @Override
    public Future<?> shutdownGracefully(long quietPeriod, long timeout, TimeUnit unit) {
        for (SimEventLoop loop : loops) {
            loop.shutdownGracefully(quietPeriod, timeout, unit);
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
        return loops.stream().allMatch(SimEventLoop::isShutdown);
    }

    @Override
    public boolean isTerminated() {
        return loops.stream().allMatch(SimEventLoop::isTerminated);
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }

    @Override
    public String toString() {
        return "sim event loop group " + name + " (" + loops.size() + " loops)";
    }
}
