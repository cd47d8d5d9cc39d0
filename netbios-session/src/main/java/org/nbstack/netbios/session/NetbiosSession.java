package org.nbstack.netbios.session;

import io.netty.buffer.ByteBuf;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.nbstack.netbios.name.NetbiosName;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One established NetBIOS session, as a handler or client sees it.
 *
 * <p>Buffer ownership: every {@link ByteBuf} that {@link #inbound()} emits belongs to its subscriber, which
 * must release it (or pass it to {@link #send(ByteBuf)} / an outbound publisher, which then owns it).
 * Every buffer handed to {@link #send(ByteBuf)} or emitted by a publisher given to {@link #send(Publisher)}
 * belongs to the session from then on: it is released once written, dropped or the session ends.
 */
public interface NetbiosSession {

    /** Unique within the server or client that made it. */
    long id();

    /** The name that was called (after {@code *SMBSERVER} was mapped to the server's default name). */
    NetbiosName calledName();

    NetbiosName callingName();

    SocketAddress remoteAddress();

    Instant establishedAt();

    /**
     * The payloads of the SESSION MESSAGEs received, in order. One subscriber only. Demand drives reading:
     * without demand the bounded inbound queue fills, reading stops and the peer's TCP window closes.
     * Completes when the session ends; messages not yet delivered then are released.
     */
    Flux<ByteBuf> inbound();

    /**
     * Queues one message without ever blocking the caller. When this session's outbound queue (messages or
     * bytes) or memory budget is full, its {@link OverflowPolicy} applies and only this session is affected.
     */
    SendResult send(ByteBuf message);

    /**
     * Sends every message of {@code messages}, requesting more only while this session's outbound queue has
     * room, so the publisher follows the channel's writability. The Mono completes when the publisher has
     * completed and its last message is queued, and errors if the publisher does.
     */
    Mono<Void> send(Publisher<? extends ByteBuf> messages);

    /** A snapshot of this session's state and queues; never waits for the session's event loop. */
    SessionStatus status();

    /**
     * Lets the service on this session describe it in the admin views (e.g. the SMB user, trees and open files).
     * {@code view} is called from any thread, must answer at once without waiting on the session, and may return null
     * when it has nothing to say. The last one given counts.
     */
    default void describeWith(Supplier<ServiceView> view) {
    }

    /** What the service said through {@link #describeWith}; empty when it said nothing or its view failed. */
    default Optional<ServiceView> serviceView() {
        return Optional.empty();
    }

    /** Completes when the session has ended, for whatever reason. */
    Mono<Void> onClose();

    /** Ends the session after what is queued has been written (bounded by the write-stall timeout). */
    void close();

    /** Ends the session at once, discarding what is queued. */
    void abort();
}
