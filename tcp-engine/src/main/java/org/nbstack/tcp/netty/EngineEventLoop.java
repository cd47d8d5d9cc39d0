package org.nbstack.tcp.netty;

import io.netty.channel.Channel;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SingleThreadIoEventLoop;
import java.util.Collections;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * An event loop of the {@code engine} transport: a Netty 4.2 I/O loop (epoll or NIO, for the links' sockets)
 * that also knows the engine channels registered on it. Engine channels register no IoHandle, so without
 * this the loop would report -1 registered channels, and an auto-scaling group could suspend a loop that
 * still runs connections.
 */
final class EngineEventLoop extends SingleThreadIoEventLoop {
    private final Set<Channel> engineChannels = ConcurrentHashMap.newKeySet();

    EngineEventLoop(IoEventLoopGroup parent, Executor executor, IoHandlerFactory ioHandlerFactory) {
        super(parent, executor, ioHandlerFactory);
    }

    /** Counts {@code channel} while it is registered here; called by engine channels on this loop. */
    static void registered(Channel channel) {
        if (channel.eventLoop() instanceof EngineEventLoop loop) {
            loop.engineChannels.add(channel);
        }
    }

    static void deregistered(Channel channel) {
        if (channel.eventLoop() instanceof EngineEventLoop loop) {
            loop.engineChannels.remove(channel);
        }
    }

    /** Engine channels plus the IoHandles (links' sockets) registered here, as Netty's own loops count theirs. */
    @Override
    public int registeredChannels() {
        return engineChannels.size() + getNumOfRegisteredChannels();
    }

    /** The engine channels registered here (a link's socket is no channel of the application). */
    @Override
    public Iterator<Channel> registeredChannelsIterator() {
        return Collections.unmodifiableSet(engineChannels).iterator();
    }

    @Override
    protected boolean canSuspend(int state) {
        return super.canSuspend(state) && engineChannels.isEmpty();
    }
}
