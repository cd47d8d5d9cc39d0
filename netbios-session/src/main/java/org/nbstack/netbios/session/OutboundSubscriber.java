package org.nbstack.netbios.session;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import java.util.function.Consumer;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.MonoSink;

/**
 * The bridge from a publisher to the outbound queue: asks for one message at a time, and only while the queue
 * has room, so a fast publisher follows the channel's writability instead of filling memory. A message that
 * finds the queue full (server-initiated sends took the room) waits here, alone, until room appears. Event
 * loop confined; signals from other threads hop onto it.
 */
final class OutboundSubscriber implements CoreSubscriber<ByteBuf>, OutboundQueue.RoomListener {

    private final OutboundQueue queue;
    private final EventExecutor loop;
    private final int maxMessageSize;
    private final MonoSink<Void> result;
    private final Consumer<OutboundSubscriber> onFinish;

    private Subscription upstream;
    private ByteBuf parked;
    private boolean requested;
    private boolean done;
    private boolean finished;

    OutboundSubscriber(OutboundQueue queue, EventExecutor loop, int maxMessageSize, MonoSink<Void> result,
            Consumer<OutboundSubscriber> onFinish) {
        this.queue = queue;
        this.loop = loop;
        this.maxMessageSize = maxMessageSize;
        this.result = result;
        this.onFinish = onFinish;
    }

    @Override
    public void onSubscribe(Subscription subscription) {
        onLoop(() -> {
            upstream = subscription;
            if (queue.isClosed()) {
                cancel();
                return;
            }
            queue.addRoomListener(this);
            result.onCancel(() -> onLoop(this::cancel));
            requestIfRoom();
        });
    }

    @Override
    public void onNext(ByteBuf message) {
        onLoop(() -> accept(message));
    }

    @Override
    public void onError(Throwable error) {
        onLoop(() -> finish(error));
    }

    @Override
    public void onComplete() {
        onLoop(() -> {
            done = true;
            if (parked == null) {
                finish(null);
            }
        });
    }

    @Override
    public void onRoom() {
        if (finished) {
            return;
        }
        if (parked != null) {
            if (!queue.tryEnqueue(parked)) {
                return;
            }
            parked = null;
            if (done) {
                finish(null);
                return;
            }
        }
        requestIfRoom();
    }

    /** The session ended: stop the publisher and drop what waits here. */
    void cancel() {
        if (finished) {
            return;
        }
        if (upstream != null) {
            upstream.cancel();
        }
        finish(null);
    }

    private void accept(ByteBuf message) {
        requested = false;
        if (finished || queue.isClosed()) {
            message.release();
            cancel();
            return;
        }
        if (message.readableBytes() > maxMessageSize) {
            int size = message.readableBytes();
            message.release();
            upstream.cancel();
            finish(new IllegalArgumentException("a message of " + size + " octets exceeds max-message-size " + maxMessageSize));
            return;
        }
        if (queue.tryEnqueue(message)) {
            requestIfRoom();
        } else {
            parked = message;
        }
    }

    private void requestIfRoom() {
        if (!requested && !done && !finished && parked == null && queue.hasRoom()) {
            requested = true;
            upstream.request(1);
        }
    }

    private void finish(Throwable error) {
        if (finished) {
            return;
        }
        finished = true;
        queue.removeRoomListener(this);
        onFinish.accept(this);
        if (parked != null) {
            parked.release();
            parked = null;
        }
        if (error == null) {
            result.success();
        } else {
            result.error(error);
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
