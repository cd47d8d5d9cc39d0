package org.nbstack.netbios.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.nbstack.netbios.codec.KeepAlive;
import org.nbstack.netbios.codec.SessionMessage;
import org.nbstack.netbios.metrics.NetbiosMetrics;

/**
 * One session's bounded outbound queue. Any thread may offer without blocking: admission is a lock-free
 * reservation of a message slot, octets and memory budget, and a full queue is answered at once. The event
 * loop hands queued messages to the channel only while it is writable. A message leaves the queue's counts
 * when its write completes, so the counts bound everything not yet accepted by TCP, and write completions are
 * the progress the write-stall detector watches.
 */
final class OutboundQueue {

    /** Told when a message left the queue, so a waiting publisher may be asked for more. */
    interface RoomListener {
        void onRoom();
    }

    private final Channel channel;
    private final EventExecutor loop;
    private final SessionLimits limits;
    private final int maxMessageSize;
    private final MemoryBudget budget;
    private final NetbiosMetrics metrics;
    private final Runnable onOverflowClose;
    private final Queue<ByteBuf> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger messages = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final List<RoomListener> roomListeners = new ArrayList<>();

    private volatile boolean closed;
    private volatile boolean keepAlivePending;
    private long keepAliveQueuedNanos;
    private volatile long lastProgressNanos;
    private volatile long lastWriteNanos;
    private volatile long lastMessageNanos;
    private Runnable whenEmpty;

    OutboundQueue(Channel channel, SessionLimits limits, int maxMessageSize, MemoryBudget budget, NetbiosMetrics metrics,
            Runnable onOverflowClose) {
        this.channel = channel;
        this.loop = channel.eventLoop();
        this.limits = limits;
        this.maxMessageSize = maxMessageSize;
        this.budget = budget;
        this.metrics = metrics;
        this.onOverflowClose = onOverflowClose;
        long now = now();
        lastProgressNanos = now;
        lastWriteNanos = now;
        lastMessageNanos = now;
    }

    /** The loop's clock (virtual in a simulation), which the session's timers compare with. */
    private long now() {
        return loop.ticker().nanoTime();
    }

    /** A send from any thread: queued, or refused at once under this session's overflow policy. */
    SendResult offer(ByteBuf message) {
        if (closed) {
            message.release();
            metrics.drop("session_closed");
            return SendResult.SESSION_CLOSED;
        }
        if (message.readableBytes() > maxMessageSize) {
            message.release();
            metrics.drop("too_large");
            return SendResult.DROPPED_TOO_LARGE;
        }
        if (!tryEnqueue(message)) {
            message.release();
            metrics.drop("queue_full");
            if (limits.overflowPolicy() == OverflowPolicy.CLOSE_SESSION) {
                onOverflowClose.run();
                return SendResult.SESSION_CLOSED_BY_POLICY;
            }
            return SendResult.DROPPED_QUEUE_FULL;
        }
        return closed ? SendResult.SESSION_CLOSED : SendResult.QUEUED;
    }

    /** Queues {@code message} if a slot, its octets and budget are free; on false the caller still owns it. */
    boolean tryEnqueue(ByteBuf message) {
        int octets = message.readableBytes();
        if (!reserve(octets)) {
            return false;
        }
        pending.add(message);
        if (closed) {
            releasePending(); // lost a race with close(): make sure nothing stays behind
        } else if (loop.inEventLoop()) {
            drain();
        } else if (drainScheduled.compareAndSet(false, true)) {
            loop.execute(this::drain);
        }
        return true;
    }

    boolean hasRoom() {
        return !closed && messages.get() < limits.outboundMaxMessages() && bytes.get() < limits.outboundMaxBytes()
                && !budget.exhausted();
    }

    private boolean reserve(int octets) {
        int slots = messages.incrementAndGet();
        if (slots > limits.outboundMaxMessages()) {
            messages.decrementAndGet();
            return false;
        }
        if (bytes.addAndGet(octets) > limits.outboundMaxBytes()) {
            bytes.addAndGet(-octets);
            messages.decrementAndGet();
            return false;
        }
        if (!budget.tryReserve(octets)) {
            bytes.addAndGet(-octets);
            messages.decrementAndGet();
            return false;
        }
        if (slots == 1 && !keepAlivePending) {
            lastProgressNanos = now(); // the stall clock starts when data starts waiting
        }
        return true;
    }

    /** Hands queued messages to the channel while it is writable. Event loop only. */
    void drain() {
        drainScheduled.set(false);
        if (closed) {
            releasePending();
            return;
        }
        boolean wrote = false;
        ByteBuf next;
        while (channel.isWritable() && (next = pending.poll()) != null) {
            int octets = next.readableBytes();
            channel.write(new SessionMessage(next)).addListener((ChannelFuture f) -> written(octets, f.isSuccess()));
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
    }

    private void written(int octets, boolean success) {
        messages.decrementAndGet();
        bytes.addAndGet(-octets);
        budget.release(octets);
        if (success) {
            long now = now();
            lastProgressNanos = now;
            lastWriteNanos = now;
            lastMessageNanos = now;
            metrics.messageOut(octets);
        } else {
            metrics.drop("session_closed");
        }
        for (int i = roomListeners.size() - 1; i >= 0 && i < roomListeners.size(); i--) {
            roomListeners.get(i).onRoom();
        }
        if (whenEmpty != null && messages.get() == 0) {
            Runnable task = whenEmpty;
            whenEmpty = null;
            task.run();
        }
    }

    /** Sends a KEEP ALIVE unless one is still on its way; {@code onFailure} runs if it cannot be written. Event loop only. */
    void keepAlive(Runnable onFailure) {
        if (keepAlivePending || closed) {
            return;
        }
        keepAlivePending = true;
        keepAliveQueuedNanos = now();
        if (messages.get() == 0) {
            lastProgressNanos = now();
        }
        channel.writeAndFlush(KeepAlive.INSTANCE).addListener((ChannelFuture f) -> {
            keepAlivePending = false;
            if (f.isSuccess()) {
                long now = now();
                lastProgressNanos = now;
                lastWriteNanos = now;
                metrics.keepAliveSent();
            } else if (!closed) {
                onFailure.run();
            }
        });
    }

    /** How long the KEEP ALIVE on its way has waited to be accepted by TCP; 0 when none is. Event loop only. */
    long keepAliveWaitingNanos(long now) {
        return keepAlivePending ? now - keepAliveQueuedNanos : 0;
    }

    /** Runs {@code task} once every accepted message has been written (at once if none is waiting). Event loop only. */
    void whenEmpty(Runnable task) {
        if (messages.get() == 0) {
            task.run();
        } else {
            whenEmpty = task;
        }
    }

    void addRoomListener(RoomListener listener) {
        roomListeners.add(listener);
    }

    void removeRoomListener(RoomListener listener) {
        roomListeners.remove(listener);
    }

    /** Refuses further sends and releases what has not reached the channel. Event loop only. */
    void close() {
        closed = true;
        whenEmpty = null;
        releasePending();
    }

    boolean isClosed() {
        return closed;
    }

    private void releasePending() {
        ByteBuf next;
        while ((next = pending.poll()) != null) {
            int octets = next.readableBytes();
            next.release();
            messages.decrementAndGet();
            bytes.addAndGet(-octets);
            budget.release(octets);
            metrics.drop("session_closed");
        }
    }

    /** Whether data (or a KEEP ALIVE) waits to be accepted by TCP. */
    boolean hasPendingWrites() {
        return messages.get() > 0 || keepAlivePending;
    }

    int depth() {
        return Math.max(0, messages.get());
    }

    long bytes() {
        return Math.max(0, bytes.get());
    }

    long lastProgressNanos() {
        return lastProgressNanos;
    }

    long lastWriteNanos() {
        return lastWriteNanos;
    }

    long lastMessageNanos() {
        return lastMessageNanos;
    }
}
