package org.nbstack.netbios.session;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayDeque;
import org.nbstack.netbios.metrics.NetbiosMetrics;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.publisher.Operators;

/**
 * The bridge from a channel to the handler's inbound Flux: a bounded queue (messages and octets) that the
 * channel fills and the subscriber's {@code request(n)} drains. All state lives on the session's event loop;
 * {@code request} and {@code cancel} from other threads hop onto it. When the queue is full the session stops
 * reading (autoRead is off), so the peer's TCP window closes instead of memory growing.
 */
final class InboundQueue implements Publisher<ByteBuf> {

    private final EventExecutor loop;
    private final SessionLimits limits;
    private final MemoryBudget budget;
    private final NetbiosMetrics metrics;
    private final Runnable readMore;
    private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();

    private volatile int depth;
    private volatile long bytes;

    private Subscriber<? super ByteBuf> subscriber;
    private long demand;
    private boolean ended;
    private boolean cancelled;
    private boolean completed;
    private boolean draining;

    InboundQueue(EventExecutor loop, SessionLimits limits, MemoryBudget budget, NetbiosMetrics metrics, Runnable readMore) {
        this.loop = loop;
        this.limits = limits;
        this.budget = budget;
        this.metrics = metrics;
        this.readMore = readMore;
    }

    /** A received payload; the queue owns it from now on. Event loop only. */
    void offer(ByteBuf payload) {
        if (ended || cancelled) {
            payload.release();
            metrics.drop("no_subscriber");
            return;
        }
        queue.add(payload);
        depth++;
        bytes += payload.readableBytes();
        budget.forceReserve(payload.readableBytes());
        drain();
    }

    /** Whether another read may be issued. */
    boolean hasRoom() {
        return !ended && depth < limits.inboundMaxMessages() && bytes < limits.inboundMaxBytes() && !budget.exhausted();
    }

    int depth() {
        return depth;
    }

    long bytes() {
        return bytes;
    }

    /** The session ended: release what was not delivered and complete the subscriber. Event loop only. */
    void end() {
        ended = true;
        releaseQueued();
        drain();
    }

    @Override
    public void subscribe(Subscriber<? super ByteBuf> s) {
        onLoop(() -> {
            if (subscriber != null) {
                Operators.error(s, new IllegalStateException("a session's inbound messages allow only one subscriber"));
                return;
            }
            subscriber = s;
            s.onSubscribe(new Subscription() {
                @Override
                public void request(long n) {
                    onLoop(() -> {
                        if (n <= 0) {
                            cancelled = true;
                            releaseQueued();
                            subscriber.onError(new IllegalArgumentException("request(n) needs n > 0 (reactive streams §3.9)"));
                            return;
                        }
                        demand = Operators.addCap(demand, n);
                        drain();
                    });
                }

                @Override
                public void cancel() {
                    onLoop(() -> {
                        cancelled = true;
                        releaseQueued();
                        readMore.run(); // keep reading: KEEP ALIVEs and later messages are discarded, not left in the socket
                    });
                }
            });
            drain();
        });
    }

    private void drain() {
        if (draining) {
            return; // a request() from inside onNext: the loop below picks up the new demand
        }
        draining = true;
        try {
            while (subscriber != null && !cancelled && demand > 0 && !queue.isEmpty()) {
                ByteBuf next = take();
                demand--;
                subscriber.onNext(next);
            }
            if (ended && queue.isEmpty() && subscriber != null && !cancelled && !completed) {
                completed = true;
                subscriber.onComplete();
            }
        } finally {
            draining = false;
        }
        readMore.run();
    }

    private ByteBuf take() {
        ByteBuf next = queue.poll();
        depth--;
        bytes -= next.readableBytes();
        budget.release(next.readableBytes());
        return next;
    }

    private void releaseQueued() {
        while (!queue.isEmpty()) {
            take().release();
            metrics.drop(ended ? "session_closed" : "no_subscriber");
        }
    }

    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }
}
