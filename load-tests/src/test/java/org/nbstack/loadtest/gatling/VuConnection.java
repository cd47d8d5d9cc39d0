package org.nbstack.loadtest.gatling;

import io.gatling.core.session.Session;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.nbstack.netbios.session.NetbiosSession;
import org.nbstack.netbios.session.SendResult;

/** One virtual user's open NetBIOS session, kept in its Gatling session under {@link #KEY}. */
final class VuConnection {

    static final String KEY = "nbss.connection";

    private final NetbiosSession session;
    private final InboundReader reader = new InboundReader();
    private final LoadRun run;
    private final int localPort;
    private long lastSequence;
    private volatile boolean ended;

    VuConnection(NetbiosSession session, LoadRun run, int localPort) {
        this.session = session;
        this.run = run;
        this.localPort = localPort;
        session.inbound().subscribe(reader);
        session.onClose().subscribe(null, error -> ended = true, () -> ended = true);
        run.opened(this);
    }

    /** The user's connection, or null when it has none. */
    static VuConnection of(Session session) {
        return session.contains(KEY) ? (VuConnection) session.attributes().apply(KEY) : null;
    }

    int localPort() {
        return localPort;
    }

    boolean hasEnded() {
        return ended;
    }

    /**
     * Sends {@code size} octets (a sequence number, then a pattern) and reports once the same octets came back, or
     * why not within {@code timeout}.
     */
    void echo(int size, Duration timeout, EventExecutor timer, BiConsumer<Boolean, String> done) {
        long sequence = ++lastSequence;
        AtomicReference<ScheduledFuture<?>> timeoutTask = new AtomicReference<>();
        Expectation expectation = new Expectation(sequence, size, (ok, why) -> {
            ScheduledFuture<?> task = timeoutTask.get();
            if (task != null) {
                task.cancel(false);
            }
            done.accept(ok, why);
        });
        timeoutTask.set(timer.schedule(() -> {
            reader.forget(expectation);
            expectation.fail("no echo within " + timeout.toMillis() + " ms");
        }, timeout.toNanos(), TimeUnit.NANOSECONDS));
        reader.expect(expectation);
        SendResult sent = session.send(payload(sequence, size));
        if (sent != SendResult.QUEUED) {
            reader.forget(expectation);
            expectation.fail("send refused: " + sent);
        }
    }

    /** Sends one message without waiting for (or reading) its echo; the session owns it from here. */
    SendResult sendUnread(int size) {
        return session.send(payload(++lastSequence, size));
    }

    /** Reads and releases everything from now on. */
    void drain() {
        reader.drain();
    }

    /** Calls {@code then} once the session has ended, or with false after {@code bound}. */
    void whenEnded(Duration bound, EventExecutor timer, Consumer<Boolean> then) {
        AtomicBoolean decided = new AtomicBoolean();
        ScheduledFuture<?> giveUp = timer.schedule(() -> {
            if (decided.compareAndSet(false, true)) {
                then.accept(false);
            }
        }, bound.toNanos(), TimeUnit.NANOSECONDS);
        session.onClose().subscribe(null, error -> ended(decided, giveUp, then), () -> ended(decided, giveUp, then));
    }

    private static void ended(AtomicBoolean decided, ScheduledFuture<?> giveUp,
            Consumer<Boolean> then) {
        if (decided.compareAndSet(false, true)) {
            giveUp.cancel(false);
            then.accept(true);
        }
    }

    /** Ends the session after what is queued has been written. */
    void close() {
        session.close();
    }

    /** Ends the session at once, releasing what it holds. */
    void abort() {
        session.abort();
    }

    /** Forgets this connection in the run; the session must have ended or be ending. */
    void forget() {
        run.forgotten(this);
    }

    private static ByteBuf payload(long sequence, int size) {
        ByteBuf payload = ByteBufAllocator.DEFAULT.buffer(size);
        payload.writeLong(sequence);
        for (int i = Long.BYTES; i < size; i++) {
            payload.writeByte('a' + i % 26);
        }
        return payload;
    }
}
