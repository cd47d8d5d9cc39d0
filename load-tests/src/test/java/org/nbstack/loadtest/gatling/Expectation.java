package org.nbstack.loadtest.gatling;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/** The echo one request waits for: its sequence number and length. Completes once. */
final class Expectation {

    private final long sequence;
    private final int length;
    private final BiConsumer<Boolean, String> onDone;
    private final AtomicBoolean done = new AtomicBoolean();

    /** @param onDone called once with (true, null) on the matching echo, or (false, why) */
    Expectation(long sequence, int length, BiConsumer<Boolean, String> onDone) {
        this.sequence = sequence;
        this.length = length;
        this.onDone = onDone;
    }

    /** Whether {@code message} is this request's echo; a message with another sequence number is a late echo of an earlier one. */
    boolean isAnsweredBy(ByteBuf message) {
        return message.readableBytes() >= Long.BYTES && message.getLong(message.readerIndex()) == sequence;
    }

    void answer(ByteBuf message) {
        if (message.readableBytes() == length) {
            succeed();
        } else {
            fail("echo of request " + sequence + " has " + message.readableBytes() + " octets, sent " + length);
        }
    }

    void succeed() {
        if (done.compareAndSet(false, true)) {
            onDone.accept(true, null);
        }
    }

    void fail(String why) {
        if (done.compareAndSet(false, true)) {
            onDone.accept(false, why);
        }
    }
}
