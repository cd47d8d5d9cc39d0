package org.nbstack.smb.server;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.RejectedExecutionException;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.publisher.Operators;

/**
 * One connection's request messages in, its replies out: the publisher its session sends. A request message is taken
 * from the session once the previous one is answered, its reply handed to the session or waiting here until the
 * session asks for it (at most one reply waits). So a client that does not read its replies stops only itself, one
 * request after its session stopped asking. Each message is processed on an I/O thread, the next one while the
 * session queues the reply before it.
 *
 * <p>Buffer ownership has one owner at a time, and every hand-over happens under this object's lock:
 * <ul>
 *   <li>a request message is the pump's from the session's {@code onNext} until it is given to
 *       {@link SmbService#processInSlot} (which always releases it), or is released at once when the pump has ended;</li>
 *   <li>a reply is the pump's from {@code process}'s return until it is passed to the session's {@code onNext} (the
 *       session's from then on), or is released here when the session ended first (cancel) or the pump ends.</li>
 * </ul>
 * Nothing is ever handed to Reactor's discard hooks, so no buffer is released on a guess about its reference count.
 */
final class ConnectionPump implements Publisher<ByteBuf>, Subscription {

    // The session layer's own log line says why it ended (the client closed, a write stall, an overflow, shutdown).
    static final String INBOUND_ENDED = "the session ended";
    static final String CANCELLED = "the session stopped taking replies (write stall, queue overflow or shutdown)";

    private final SmbService service;
    private final SmbConnection connection;
    private final Publisher<ByteBuf> inbound;

    private Subscriber<? super ByteBuf> replies;
    private Subscription requests;
    private long demand;
    private ByteBuf pending;
    private boolean awaitingRequest;
    private boolean processing;
    private boolean inboundEnded;
    private Throwable failure;
    private String endReason = INBOUND_ENDED;
    private boolean ended;

    ConnectionPump(SmbService service, SmbConnection connection, Publisher<ByteBuf> inbound) {
        this.service = service;
        this.connection = connection;
        this.inbound = inbound;
    }

    @Override
    public void subscribe(Subscriber<? super ByteBuf> subscriber) {
        synchronized (this) {
            if (replies != null) {
                Operators.error(subscriber, new IllegalStateException("a connection's replies allow only one subscriber"));
                return;
            }
            replies = subscriber;
        }
        subscriber.onSubscribe(this);
        inbound.subscribe(new Requests());
    }

    @Override
    public synchronized void request(long n) {
        if (ended) {
            return;
        }
        if (n <= 0) {
            fail(new IllegalArgumentException("request(n) needs n > 0 (reactive streams §3.9)"));
            return;
        }
        demand = Operators.addCap(demand, n);
        drain();
    }

    /** The session ended (write stall, overflow, shutdown, the client gone): what is waiting here is released. */
    @Override
    public void cancel() {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            releasePending();
            if (requests != null) {
                requests.cancel();
            }
        }
        closeConnection(CANCELLED);
    }

    /** Hands over a waiting reply, takes the next request, or ends; re-entrant (the session may request from onNext). */
    private synchronized void drain() {
        while (!ended) {
            if (pending != null && demand > 0) {
                ByteBuf reply = pending;
                pending = null;
                demand--;
                replies.onNext(reply); // the session's from here on
                continue;
            }
            if (pending != null || processing || awaitingRequest) {
                return;
            }
            if (inboundEnded) {
                end();
                return;
            }
            if (requests == null) {
                return;
            }
            awaitingRequest = true;
            requests.request(1);
        }
    }

    /** Runs on an I/O thread: the message is processed (and released) by the connection, the reply kept until asked for. */
    private void process(ByteBuf message) {
        ByteBuf reply;
        try {
            reply = service.processInSlot(connection, message);
        } catch (SmbConnection.ConnectionFault fault) {
            service.metrics().dropped("protocol");
            synchronized (this) {
                processing = false;
                endReason = "protocol violation: " + fault.getMessage();
                stopReading();
                drain();
            }
            return;
        } catch (RuntimeException e) {
            synchronized (this) {
                processing = false;
                fail(e);
            }
            return;
        }
        synchronized (this) {
            processing = false;
            if (ended) {
                if (reply != null) {
                    reply.release();
                }
                return;
            }
            pending = reply;
            drain();
        }
    }

    /** No further request is taken (MS-SMB2 has the server disconnect); the replies already made are still sent. */
    private void stopReading() {
        if (!inboundEnded) {
            inboundEnded = true;
            if (requests != null) {
                requests.cancel();
            }
        }
    }

    private void fail(Throwable error) {
        failure = error;
        endReason = "failed: " + error;
        stopReading();
        end();
    }

    private void end() {
        if (ended) {
            return;
        }
        ended = true;
        releasePending();
        stopReading();
        if (failure == null) {
            replies.onComplete();
        } else {
            replies.onError(failure);
        }
        closeConnection(endReason);
    }

    private void releasePending() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }

    /** Releases the connection's opens and locks off the event loop: closing files is disk I/O. */
    private void closeConnection(String reason) {
        try {
            service.ioThreads().execute(() -> service.closeConnection(connection, reason));
        } catch (RejectedExecutionException stopped) {
            service.closeConnection(connection, reason);
        }
    }

    /** The session's request messages, one asked for at a time. */
    private final class Requests implements Subscriber<ByteBuf> {

        @Override
        public void onSubscribe(Subscription subscription) {
            synchronized (ConnectionPump.this) {
                if (ended || inboundEnded) {
                    subscription.cancel();
                    return;
                }
                requests = subscription;
                drain();
            }
        }

        @Override
        public void onNext(ByteBuf message) {
            synchronized (ConnectionPump.this) {
                awaitingRequest = false;
                if (ended || inboundEnded) {
                    message.release();
                    return;
                }
                processing = true;
                try {
                    service.ioThreads().execute(() -> process(message));
                } catch (RejectedExecutionException stopped) {
                    processing = false;
                    message.release();
                    fail(stopped);
                }
            }
        }

        @Override
        public void onError(Throwable error) {
            synchronized (ConnectionPump.this) {
                awaitingRequest = false;
                if (!ended) {
                    fail(error);
                }
            }
        }

        @Override
        public void onComplete() {
            synchronized (ConnectionPump.this) {
                awaitingRequest = false;
                inboundEnded = true;
                drain();
            }
        }
    }
}
