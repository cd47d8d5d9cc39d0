package org.nbstack.netbios.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The NetBIOS session service's meters. Names are dotted lower case, units are base units (bytes, seconds),
 * and tags take a few fixed values only (code, reason, direction, side). Counters are created once and
 * cached, so recording never allocates on the hot path.
 */
public final class NetbiosMetrics {

    /** Totals over all live sessions, read when a gauge is scraped. */
    public record QueueTotals(long inboundMessages, long inboundBytes, long outboundMessages, long outboundBytes) {
    }

    private final MeterRegistry registry;
    private final String side;
    private final Counter established;
    private final Counter retargets;
    private final Counter keepAlivesSent;
    private final Counter keepAlivesReceived;
    private final Counter messagesIn;
    private final Counter messagesOut;
    private final Counter bytesIn;
    private final Counter bytesOut;
    private final Counter stalled;
    private final Counter requestsTimedOut;
    private final Timer setupTime;
    private final Map<String, Counter> negatives = new ConcurrentHashMap<>();
    private final Map<String, Counter> drops = new ConcurrentHashMap<>();
    private final Map<String, Counter> closes = new ConcurrentHashMap<>();
    private final Map<String, Counter> protocolErrors = new ConcurrentHashMap<>();
    private final Map<String, Counter> rejections = new ConcurrentHashMap<>();
    private final Map<String, Counter> refusals = new ConcurrentHashMap<>();

    /** Drop reasons that exist from the start (at zero), so a dashboard shows 0 rather than "no data". */
    static final List<String> DROP_REASONS = List.of("queue_full", "too_large", "session_closed", "no_subscriber");
    /** Rejection reasons that exist from the start (at zero). */
    static final List<String> REJECTION_REASONS = List.of("pending_full", "pending_per_source");
    /** Session limits that exist from the start (at zero) as reasons of refused SESSION REQUESTs. */
    static final List<String> SESSION_LIMITS = List.of("max_sessions", "listener_max_sessions", "max_sessions_per_source");

    /**
     * @param side {@code "server"} or {@code "client"}, a tag on every meter so both can share one registry
     */
    public NetbiosMetrics(MeterRegistry registry, String side) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.side = Objects.requireNonNull(side, "side");
        established = counter("netbios.sessions.established", "Sessions that reached the data phase (POSITIVE SESSION RESPONSE)", null);
        retargets = counter("netbios.session.retargets", "SESSION RETARGET RESPONSEs sent or followed", null);
        keepAlivesSent = counter("netbios.keepalives.sent", "SESSION KEEP ALIVEs sent", null);
        keepAlivesReceived = counter("netbios.keepalives.received", "SESSION KEEP ALIVEs received and discarded", null);
        messagesIn = counter("netbios.messages.in", "SESSION MESSAGEs received", null);
        messagesOut = counter("netbios.messages.out", "SESSION MESSAGEs written to the transport", null);
        bytesIn = counter("netbios.bytes.in", "SESSION MESSAGE payload received", "bytes");
        bytesOut = counter("netbios.bytes.out", "SESSION MESSAGE payload written to the transport", "bytes");
        stalled = counter("netbios.sessions.stalled", "Sessions whose queued data made no progress for the write-stall timeout", null);
        requestsTimedOut = counter("netbios.requests.timedout",
                "Connections reset because no SESSION REQUEST (on direct TCP: no first message) arrived within the session request timeout", null);
        setupTime = Timer.builder("netbios.session.setup").description("Time from connection to the session being established")
                .tag("side", side).register(registry);
        DROP_REASONS.forEach(this::dropCounter);
        REJECTION_REASONS.forEach(this::rejectionCounter);
        SESSION_LIMITS.forEach(this::refusalCounter);
    }

    /** Meters that go nowhere, for a client nobody measures. */
    public static NetbiosMetrics unregistered(String side) {
        return new NetbiosMetrics(new SimpleMeterRegistry(), side);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Registers the gauges over live sessions: active count and queue depths. */
    public void bindSessionGauges(Supplier<Number> activeSessions, Supplier<QueueTotals> totals) {
        // Gauges hold their state weakly; these suppliers are referenced by nothing else, so keep them strongly.
        Gauge.builder("netbios.sessions.active", activeSessions, s -> s.get().doubleValue()).strongReference(true)
                .description("Sessions in the data phase now").tag("side", side).register(registry);
        queueGauge("netbios.session.queue.depth", "inbound", totals, QueueTotals::inboundMessages, null,
                "Messages received and not yet taken by handlers, all sessions");
        queueGauge("netbios.session.queue.depth", "outbound", totals, QueueTotals::outboundMessages, null,
                "Messages accepted for sending and not yet handed to the transport, all sessions");
        queueGauge("netbios.session.queue.bytes", "inbound", totals, QueueTotals::inboundBytes, "bytes",
                "Payload received and not yet taken by handlers, all sessions");
        queueGauge("netbios.session.queue.bytes", "outbound", totals, QueueTotals::outboundBytes, "bytes",
                "Payload accepted for sending and not yet handed to the transport, all sessions");
    }

    /** Registers the gauge over connections accepted and still waiting for their SESSION REQUEST. */
    public void bindPendingGauge(Supplier<Number> pendingConnections) {
        Gauge.builder("netbios.connections.pending", pendingConnections, s -> s.get().doubleValue()).strongReference(true)
                .description("Connections accepted and still waiting for their SESSION REQUEST to be answered")
                .tag("side", side).register(registry);
    }

    public void sessionEstablished(Duration setup) {
        established.increment();
        setupTime.record(setup);
    }

    /** @param code e.g. {@code 0x82} */
    public void negativeResponse(String code) {
        negatives.computeIfAbsent(code, c -> Counter.builder("netbios.session.negative.responses")
                .description("NEGATIVE SESSION RESPONSEs sent or received, by error code")
                .tags("side", side, "code", c).register(registry)).increment();
    }

    public void retarget() {
        retargets.increment();
    }

    public void keepAliveSent() {
        keepAlivesSent.increment();
    }

    public void keepAliveReceived() {
        keepAlivesReceived.increment();
    }

    public void messageIn(int bytes) {
        messagesIn.increment();
        bytesIn.increment(bytes);
    }

    public void messageOut(int bytes) {
        messagesOut.increment();
        bytesOut.increment(bytes);
    }

    /** @param reason e.g. {@code queue_full}, {@code too_large}, {@code session_closed}, {@code no_subscriber} */
    public void drop(String reason) {
        dropCounter(reason).increment();
    }

    public void stallDetected() {
        stalled.increment();
    }

    /** @param reason a {@code SessionCloseReason} tag such as {@code write_stall} */
    public void sessionClosed(String reason) {
        cached(closes, reason, "netbios.sessions.closed", "Sessions ended, by reason (write_stall, keepalive_failed and idle are aborts)").increment();
    }

    public void requestTimedOut() {
        requestsTimedOut.increment();
    }

    /** @param reason why a new connection was closed on arrival, e.g. {@code pending_full} */
    public void connectionRejected(String reason) {
        rejectionCounter(reason).increment();
    }

    /** @param limit the session limit that refused a SESSION REQUEST with 0x83, e.g. {@code max_sessions_per_source} */
    public void sessionRefused(String limit) {
        refusalCounter(limit).increment();
    }

    private Counter refusalCounter(String limit) {
        return cached(refusals, limit, "netbios.sessions.refused", "SESSION REQUESTs refused with 0x83 because a session limit was reached, by limit");
    }

    public void protocolError(String reason) {
        cached(protocolErrors, reason, "netbios.protocol.errors", "Connections closed for breaking the protocol, by reason").increment();
    }

    private Counter dropCounter(String reason) {
        return cached(drops, reason, "netbios.messages.dropped", "Messages dropped, by reason");
    }

    private Counter rejectionCounter(String reason) {
        return cached(rejections, reason, "netbios.connections.rejected", "Connections closed on arrival, by reason");
    }

    private Counter cached(Map<String, Counter> cache, String reason, String name, String description) {
        return cache.computeIfAbsent(reason, r -> Counter.builder(name).description(description)
                .tags("side", side, "reason", r).register(registry));
    }

    private Counter counter(String name, String description, String unit) {
        return Counter.builder(name).description(description).baseUnit(unit).tag("side", side).register(registry);
    }

    private void queueGauge(String name, String direction, Supplier<QueueTotals> totals, Function<QueueTotals, Long> value,
            String unit, String description) {
        Gauge.builder(name, totals, t -> value.apply(t.get()).doubleValue()).strongReference(true).description(description).baseUnit(unit)
                .tags("side", side, "direction", direction).register(registry);
    }
}
