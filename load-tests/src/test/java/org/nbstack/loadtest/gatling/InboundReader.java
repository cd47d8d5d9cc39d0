package org.nbstack.loadtest.gatling;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.atomic.AtomicReference;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;

/**
 * Reads a session's inbound messages only when a request waits for its echo, so that a user that stops asking
 * stops reading: its inbound queue fills, reading stops and the server's writes to it stall (seed 004).
 * Every message it receives is released here.
 */
final class InboundReader extends BaseSubscriber<ByteBuf> {

    private final AtomicReference<Expectation> pending = new AtomicReference<>();
    private volatile boolean draining;
    private volatile boolean ended;

    @Override
    protected void hookOnSubscribe(Subscription subscription) {
        // The session hands out its subscription on its event loop, possibly after a first request was made: a demand
        // asked for before it arrived would be lost, so it is asked for now. Otherwise no demand until a request.
        if (draining) {
            requestUnbounded();
        } else if (pending.get() != null) {
            request(1);
        }
    }

    /** Waits for the echo {@code expectation} describes; fails it at once if the session has ended. */
    void expect(Expectation expectation) {
        pending.set(expectation);
        if (ended) {
            failPending("the session had ended");
        } else if (upstream() != null) {
            request(1);
        }
    }

    /** Gives up waiting for {@code expectation} (e.g. on timeout). */
    void forget(Expectation expectation) {
        pending.compareAndSet(expectation, null);
    }

    /** Reads and releases everything from now on. */
    void drain() {
        draining = true;
        if (upstream() != null) {
            requestUnbounded();
        }
    }

    @Override
    protected void hookOnNext(ByteBuf message) {
        try {
            if (draining) {
                return;
            }
            Expectation expectation = pending.get();
            if (expectation == null) {
                return; // a late echo after a timeout; the next request asks for its own message
            }
            if (expectation.isAnsweredBy(message)) {
                pending.compareAndSet(expectation, null);
                expectation.answer(message);
            } else {
                request(1); // a late echo of an earlier request: keep waiting for this one's
            }
        } finally {
            message.release();
        }
    }

    @Override
    protected void hookOnComplete() {
        ended = true;
        failPending("the session ended before the echo came");
    }

    @Override
    protected void hookOnError(Throwable error) {
        ended = true;
        failPending("the session failed before the echo came: " + error.getMessage());
    }

    private void failPending(String why) {
        Expectation expectation = pending.getAndSet(null);
        if (expectation != null) {
            expectation.fail(why);
        }
    }
}
