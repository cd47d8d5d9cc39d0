package org.nbstack.netbios.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.nbstack.netbios.metrics.NetbiosMetrics;
import org.nbstack.netbios.name.NetbiosName;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * An established session on one channel. It owns the session's inbound and outbound queues, its memory
 * budget and its timers (KEEP ALIVE, idle, write stall), all driven by the channel's own event loop; nothing
 * in it is shared with another session.
 */
public final class ChannelSession implements NetbiosSession {

    private static final Logger log = LoggerFactory.getLogger(ChannelSession.class);

    /** Which end of the session this is: a server logs each session's end for its operator, a client does not. */
    public enum Side {
        /** Accepted by a NetBIOS server: its end is logged at INFO. */
        SERVER,
        /** Opened by a NetBIOS client (ping, load tests): its end is logged at DEBUG, so that a process running both
         *  ends does not log one session's end twice. */
        CLIENT
    }

    private final long id;
    private final Side side;
    private final Channel channel;
    private final NetbiosName calledName;
    private final NetbiosName callingName;
    private final SocketAddress remoteAddress;
    private final Instant establishedAt = Instant.now();
    private final long establishedNanos;
    private final SessionSettings settings;
    private final NetbiosMetrics metrics;
    private final SessionRegistry registry;
    private final Runnable onEnd;
    private final InboundQueue inbound;
    private final OutboundQueue outbound;
    private final Sinks.Empty<Void> closed = Sinks.empty();
    private final List<OutboundSubscriber> publishers = new ArrayList<>();

    private volatile SessionState state = SessionState.ESTABLISHED;
    private volatile long lastInboundMessageNanos;
    private volatile Supplier<ServiceView> serviceView = () -> null;
    private SessionCloseReason closeReason;
    private boolean readRequested;
    private ScheduledFuture<?> tick;

    private ChannelSession(long id, Side side, Channel channel, NetbiosName calledName, NetbiosName callingName,
            SessionSettings settings, NetbiosMetrics metrics, SessionRegistry registry, Runnable onEnd) {
        this.id = id;
        this.side = side;
        this.channel = channel;
        this.calledName = calledName;
        this.callingName = callingName;
        this.remoteAddress = channel.remoteAddress();
        this.settings = settings;
        this.metrics = metrics;
        this.registry = registry;
        this.onEnd = onEnd;
        this.establishedNanos = now();
        this.lastInboundMessageNanos = establishedNanos;
        MemoryBudget budget = new MemoryBudget(settings.limits().memoryBudgetBytes());
        this.inbound = new InboundQueue(channel.eventLoop(), settings.limits(), budget, metrics, this::requestRead);
        this.outbound = new OutboundQueue(channel, settings.limits(), settings.maxMessageSize(), budget, metrics,
                () -> abort(SessionCloseReason.QUEUE_OVERFLOW));
    }

    /**
     * Turns {@code channel}, whose establishment just succeeded, into a session: replaces the handler named
     * {@code establishmentHandler} with the data-phase handler, registers the session and starts its timers.
     * Event loop only. {@code onEnd} runs once when the session has ended (e.g. to free its permit).
     */
    public static ChannelSession establish(long id, Side side, Channel channel, String establishmentHandler, NetbiosName calledName,
            NetbiosName callingName, SessionSettings settings, NetbiosMetrics metrics, SessionRegistry registry,
            Duration setupTime, Runnable onEnd) {
        ChannelSession session = new ChannelSession(id, side, channel, calledName, callingName, settings, metrics, registry, onEnd);
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.replace(establishmentHandler, "nbss-session", new SessionChannelHandler(session, metrics));
        registry.add(session);
        metrics.sessionEstablished(setupTime);
        Duration tick = settings.timeouts().tick();
        if (!tick.isZero()) {
            session.tick = channel.eventLoop().scheduleAtFixedRate(session::onTick, tick.toNanos(), tick.toNanos(), TimeUnit.NANOSECONDS);
        }
        if (!channel.isActive()) {
            session.ended(); // the peer left while we were answering
        } else {
            session.requestRead();
        }
        return session;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public NetbiosName calledName() {
        return calledName;
    }

    @Override
    public NetbiosName callingName() {
        return callingName;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public Instant establishedAt() {
        return establishedAt;
    }

    @Override
    public Flux<ByteBuf> inbound() {
        return Flux.from(inbound);
    }

    @Override
    public SendResult send(ByteBuf message) {
        return outbound.offer(message);
    }

    @Override
    public Mono<Void> send(Publisher<? extends ByteBuf> messages) {
        return Mono.create(sink -> {
            OutboundSubscriber subscriber = new OutboundSubscriber(outbound, channel.eventLoop(), settings.maxMessageSize(), sink,
                    publishers::remove);
            onLoop(() -> {
                if (state == SessionState.CLOSED) {
                    sink.success(); // not subscribed: a publisher makes no buffers nobody asked for
                    return;
                }
                publishers.add(subscriber);
                Flux.<ByteBuf>from(messages).subscribe(subscriber);
            });
        });
    }

    @Override
    public SessionStatus status() {
        long now = now();
        long lastMessage = Math.max(lastInboundMessageNanos, outbound.lastMessageNanos());
        Duration sinceProgress = outbound.hasPendingWrites()
                ? Duration.ofNanos(Math.max(0, now - outbound.lastProgressNanos())) : Duration.ZERO;
        return new SessionStatus(id, calledName, callingName, remoteAddress, state,
                Duration.ofNanos(now - establishedNanos), Duration.ofNanos(Math.max(0, now - lastMessage)),
                inbound.depth(), inbound.bytes(), outbound.depth(), outbound.bytes(), sinceProgress);
    }

    @Override
    public void describeWith(Supplier<ServiceView> view) {
        serviceView = Objects.requireNonNull(view, "view");
    }

    @Override
    public Optional<ServiceView> serviceView() {
        try {
            return Optional.ofNullable(serviceView.get());
        } catch (RuntimeException e) { // an admin query answers whatever a service's view does
            log.debug("{}: the service's view failed: {}", this, e.toString());
            return Optional.empty();
        }
    }

    @Override
    public Mono<Void> onClose() {
        return closed.asMono();
    }

    @Override
    public void close() {
        onLoop(() -> {
            if (state != SessionState.ESTABLISHED) {
                return;
            }
            state = SessionState.CLOSING;
            reason(SessionCloseReason.LOCAL_CLOSE);
            outbound.whenEmpty(channel::close);
        });
    }

    @Override
    public void abort() {
        abort(SessionCloseReason.LOCAL_ABORT);
    }

    /** Ends the session at once with a TCP reset where the transport supports it, releasing its buffers. */
    public void abort(SessionCloseReason reason) {
        onLoop(() -> {
            if (state == SessionState.CLOSED) {
                return;
            }
            reason(reason);
            state = SessionState.CLOSING;
            outbound.close();
            TcpReset.close(channel);
        });
    }

    /** Records why the session ends, unless a reason was recorded already. */
    void reason(SessionCloseReason reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
    }

    void onMessage(ByteBuf payload) {
        lastInboundMessageNanos = now();
        metrics.messageIn(payload.readableBytes());
        inbound.offer(payload);
    }

    void onReadComplete() {
        readRequested = false;
        requestRead();
    }

    void onWritable() {
        outbound.drain();
    }

    /** The channel is gone: release everything this session holds. Event loop only; runs once. */
    void ended() {
        if (state == SessionState.CLOSED) {
            return;
        }
        state = SessionState.CLOSED;
        reason(SessionCloseReason.PEER_CLOSED);
        if (tick != null) {
            tick.cancel(false);
        }
        outbound.close();
        inbound.end();
        for (OutboundSubscriber publisher : List.copyOf(publishers)) {
            publisher.cancel();
        }
        publishers.clear();
        // Counted before it leaves the status view: whoever sees the session gone also sees why it closed.
        metrics.sessionClosed(closeReason.tag());
        registry.remove(this);
        if (side == Side.SERVER) {
            log.info("session {} {} -> {} from {} ended: {}", id, callingName, calledName, HostPort.of(remoteAddress), closeReason);
        } else {
            log.debug("client session {} {} -> {} to {} ended: {}", id, callingName, calledName, HostPort.of(remoteAddress), closeReason);
        }
        try {
            onEnd.run();
        } finally {
            closed.tryEmitEmpty();
        }
    }

    private void requestRead() {
        if (!readRequested && channel.isActive() && inbound.hasRoom()) {
            readRequested = true;
            channel.read();
        }
    }

    private void onTick() {
        if (state == SessionState.CLOSED) {
            return;
        }
        SessionTimeouts timeouts = settings.timeouts();
        long now = now();
        long stall = timeouts.writeStallTimeout().toNanos();
        if (stall > 0 && outbound.hasPendingWrites() && now - outbound.lastProgressNanos() >= stall) {
            metrics.stallDetected();
            log.info("session {} {} -> {} from {}: queued data made no progress for {}, aborting", id, callingName,
                    calledName, remoteAddress, timeouts.writeStallTimeout());
            abort(SessionCloseReason.WRITE_STALL);
            return;
        }
        long idle = timeouts.idleTimeout().toNanos();
        long lastMessage = Math.max(lastInboundMessageNanos, outbound.lastMessageNanos());
        if (idle > 0 && now - lastMessage >= idle && state == SessionState.ESTABLISHED) {
            log.debug("session {} idle for {}, closing", id, timeouts.idleTimeout());
            reason(SessionCloseReason.IDLE);
            close();
            return;
        }
        long keepAlive = timeouts.keepAliveInterval().toNanos();
        if (keepAlive > 0 && outbound.keepAliveWaitingNanos(now) >= keepAlive) {
            // TCP took nothing, not even the 4 octets of a KEEP ALIVE, for a whole interval: the peer is gone or
            // frozen. This holds with the write-stall timeout off, and ends a graceful close that waits on such a peer.
            log.info("{}: a KEEP ALIVE could not be written for {}, aborting", this, timeouts.keepAliveInterval());
            abort(SessionCloseReason.KEEPALIVE_FAILED);
            return;
        }
        if (keepAlive > 0 && now - outbound.lastWriteNanos() >= keepAlive) {
            outbound.keepAlive(() -> abort(SessionCloseReason.KEEPALIVE_FAILED));
        }
    }

    /** The channel's loop clock (virtual in a simulation): every timeout of the session compares with it. */
    private long now() {
        return channel.eventLoop().ticker().nanoTime();
    }

    private void onLoop(Runnable task) {
        if (channel.eventLoop().inEventLoop()) {
            task.run();
        } else {
            channel.eventLoop().execute(task);
        }
    }

    /** The channel under this session, so tests can read back the socket options the server set. */
    Channel channel() {
        return channel;
    }

    @Override
    public String toString() {
        return "session " + id + " " + callingName + " -> " + calledName + " from " + remoteAddress;
    }
}
