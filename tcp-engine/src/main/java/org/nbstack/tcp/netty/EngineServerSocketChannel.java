package org.nbstack.tcp.netty;

import io.netty.channel.AbstractServerChannel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.PlatformDependent;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Netty {@link ServerSocketChannel} over engine listeners: binding installs a listener in every shard
 * of the engine (see {@link Engine}). Shards hand completed connections over as child channels through
 * an MPSC queue drained on this channel's loop by one {@code execute()} per batch; at most SO_BACKLOG
 * of them wait here, the rest stay in the stacks' accept queues.
 */
public final class EngineServerSocketChannel extends AbstractServerChannel implements ServerSocketChannel {
    private final Engine engine;
    private final EngineServerSocketChannelConfig config;
    private final Queue<EngineSocketChannel> accepted = PlatformDependent.newMpscQueue();
    private final AtomicInteger acceptSlots = new AtomicInteger();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Set<Shard> starved = ConcurrentHashMap.newKeySet();
    private final Runnable drainTask = this::drainAccepted;
    private Shard shard;
    private volatile boolean open = true;
    private volatile boolean bound;
    private volatile InetSocketAddress localAddress;
    private boolean readRequested;

    /** A listening channel on the default engine (127.0.0.1 on {@code mem://default}). */
    public EngineServerSocketChannel() {
        this(Engine.defaultEngine());
    }

    public EngineServerSocketChannel(Engine engine) {
        this.engine = engine;
        this.config = new EngineServerSocketChannelConfig(this);
    }

    Engine engine() {
        return engine;
    }

    @Override
    public EngineServerSocketChannelConfig config() {
        return config;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isActive() {
        return open && bound;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return null;
    }

    @Override
    protected SocketAddress localAddress0() {
        return localAddress;
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return true;
    }

    @Override
    protected void doRegister(ChannelPromise promise) {
        shard = Shard.forRegistration(engine, eventLoop(), promise);
        if (shard != null) {
            EngineEventLoop.registered(this);
            promise.setSuccess();
        }
    }

    @Override
    protected void doDeregister() {
        EngineEventLoop.deregistered(this);
    }

    @Override
    protected void doBind(SocketAddress local) throws Exception {
        InetSocketAddress requested = Addresses.inet(local);
        int address;
        try {
            address = Addresses.ipv4(requested);
        } catch (IllegalArgumentException e) {
            throw new BindException(e.getMessage());
        }
        if (address != 0 && !engine.ownsAddress(address)) {
            throw new BindException("Cannot assign requested address: " + requested + " is not an address of "
                    + engine);
        }
        // Connections from the link spread over the shards of this channel's group (with ServerBootstrap.group(g),
        // the loops its children run on); loopback connections stay in the connecting channel's shard.
        List<Shard> routeShards = new ArrayList<>();
        for (EventExecutor e : eventLoop().parent()) {
            if (e instanceof EventLoop loop) {
                routeShards.add(engine.shard(loop));
            }
        }
        if (routeShards.isEmpty()) {
            routeShards.add(shard);
        }
        int port = engine.listen(this, routeShards.toArray(Shard[]::new), address, requested.getPort(),
                config.getBacklog());
        localAddress = Addresses.of(address, port);
        bound = true;
    }

    @Override
    protected void doClose() {
        open = false;
        if (bound) {
            engine.unlisten(this);
        }
        EngineSocketChannel child;
        while ((child = accepted.poll()) != null) {
            child.abortUnaccepted();
        }
    }

    @Override
    protected void doBeginRead() {
        readRequested = true;
        if (!accepted.isEmpty()) {
            scheduleDrain();
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Called by shards, on their loops

    /** Reserves room for one more connection waiting for this channel; false when the backlog is full. */
    boolean reserveAcceptSlot() {
        if (!open) {
            return false;
        }
        if (acceptSlots.incrementAndGet() > config.getBacklog()) {
            acceptSlots.decrementAndGet();
            return false;
        }
        return true;
    }

    void releaseAcceptSlot() {
        acceptSlots.decrementAndGet();
    }

    void handOver(EngineSocketChannel child) {
        accepted.offer(child);
        if (!open) {
            doClose(); // raced with close: reset what is left
            return;
        }
        scheduleDrain();
    }

    void acceptStarved(Shard s) {
        starved.add(s);
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                eventLoop().execute(drainTask);
            } catch (RejectedExecutionException e) {
                drainScheduled.set(false);
                doClose();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------

    @SuppressWarnings("deprecation") // RecvByteBufAllocator.Handle: what Netty 4.2's own channels still read with
    private void drainAccepted() {
        drainScheduled.set(false);
        if (!open) {
            doClose();
            return;
        }
        if (!readRequested) {
            return;
        }
        ChannelPipeline pipeline = pipeline();
        RecvByteBufAllocator.Handle handle = unsafe().recvBufAllocHandle();
        handle.reset(config);
        boolean any = false;
        do {
            EngineSocketChannel child = accepted.poll();
            if (child == null) {
                break;
            }
            acceptSlots.decrementAndGet();
            readRequested = false;
            any = true;
            handle.incMessagesRead(1);
            pipeline.fireChannelRead(child);
        } while (handle.continueReading() && open);
        handle.readComplete();
        if (any) {
            pipeline.fireChannelReadComplete();
        }
        for (Shard s : starved) {
            starved.remove(s);
            Engine.runOn(s.loop, () -> s.resumeAccepting(this));
        }
        if (readRequested && !accepted.isEmpty()) {
            scheduleDrain();
        }
    }
}
