package org.nbstack.tcp.stack;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Collection;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.nbstack.tcp.core.TcpCounters;
import org.nbstack.tcp.core.TcpState;
import org.nbstack.tcp.core.congestion.CongestionAlgorithm;
import org.nbstack.tcp.ip.IpMetrics;
import org.nbstack.tcp.wire.DropReason;

/**
 * Micrometer meters for the engine, summed over its stacks (one per event loop). Every value is read
 * from counters the stacks keep for this purpose, never by walking their tables, so a scrape never
 * touches a stack's thread-confined state.
 */
public final class StackMetrics implements MeterBinder {
    private final Supplier<? extends Collection<TcpStack>> stacks;
    /** Held here: Micrometer keeps a function meter's state object only weakly, so an unheld one reads nothing once collected. */
    private final IpMetrics ipMetrics;

    public StackMetrics(Supplier<? extends Collection<TcpStack>> stacks) {
        this.stacks = stacks;
        this.ipMetrics = new IpMetrics(() -> stacks.get().stream().map(s -> s.ipInput().counters()).toList());
    }

    private double sum(ToLongFunction<TcpStack> f) {
        long total = 0;
        for (TcpStack s : stacks.get()) {
            total += f.applyAsLong(s);
        }
        return total;
    }

    private double sumTcp(ToLongFunction<TcpCounters> f) {
        return sum(s -> f.applyAsLong(s.tcpCounters()));
    }

    private void counter(MeterRegistry r, String name, String description, ToLongFunction<TcpStack> f, String... tags) {
        FunctionCounter.builder(name, this, m -> m.sum(f)).description(description).tags(tags).register(r);
    }

    private void tcpCounter(MeterRegistry r, String name, String description, ToLongFunction<TcpCounters> f,
            String... tags) {
        FunctionCounter.builder(name, this, m -> m.sumTcp(f)).description(description).tags(tags).register(r);
    }

    @Override
    public void bindTo(MeterRegistry r) {
        ipMetrics.bindTo(r);
        for (TcpState state : TcpState.values()) {
            if (state == TcpState.CLOSED || state == TcpState.LISTEN) {
                continue;
            }
            Gauge.builder("tcp.connections", this, m -> m.sumTcp(c -> c.connectionsIn(state)))
                    .description("Engine connections now in each TCP state").tag("state", state.netstatName())
                    .register(r);
        }
        for (CongestionAlgorithm algorithm : CongestionAlgorithm.values()) {
            Gauge.builder("tcp.congestion.control", this, m -> m.sumTcp(c -> c.connectionsWith(algorithm)))
                    .description("Engine connections now using each congestion control algorithm")
                    .tag("algorithm", algorithm.configName()).register(r);
        }
        Gauge.builder("tcp.memory.used", this, m -> m.sum(s -> s.resources().memory().used()))
                .description("Bytes held in send and out-of-order queues (all shards)").register(r);
        Gauge.builder("tcp.memory.reserved", this, m -> m.sum(s -> s.resources().memory().reserved()))
                .description("Bytes set aside for the connections' guaranteed minimums (all shards)").register(r);
        Gauge.builder("tcp.memory.limit", this, m -> m.sum(s -> s.resources().memoryLimit()))
                .description("Memory limit of send and out-of-order queues, reserves included (all shards)").register(r);
        Gauge.builder("tcp.timewait.entries", this, m -> m.sum(TcpStack::timeWaitCount))
                .description("Connections now in the TIME_WAIT table").register(r);
        Gauge.builder("tcp.timewait.limit", this, m -> m.sum(s -> s.config().timeWaitLimit()))
                .description("Size of the TIME_WAIT table (all shards)").register(r);
        counter(r, "tcp.timewait.overflows", "Closing connections that skipped TIME_WAIT because the table was full",
                s -> s.counters().timeWaitOverflows);
        counter(r, "tcp.timewait.reused", "TIME_WAIT 4-tuples reopened by a provably new SYN (RFC 6191)",
                s -> s.counters().timeWaitReused);
        tcpCounter(r, "tcp.timewait.resets", "RSTs in TIME_WAIT: the reconnecting peer's answer to our ACK, or ignored (RFC 1337)",
                c -> c.timeWaitResetReleases, "result", "released");
        tcpCounter(r, "tcp.timewait.resets", "RSTs in TIME_WAIT: the reconnecting peer's answer to our ACK, or ignored (RFC 1337)",
                c -> c.timeWaitResetsIgnored, "result", "ignored");
        counter(r, "tcp.opens", "Connections opened", s -> s.counters().activeOpens, "side", "active");
        counter(r, "tcp.opens", "Connections opened", s -> s.counters().passiveOpens, "side", "passive");
        counter(r, "tcp.listen.overflows", "SYNs dropped because a listener queue was full",
                s -> s.counters().synQueueOverflows, "queue", "syn");
        counter(r, "tcp.listen.overflows", "SYNs dropped because a listener queue was full",
                s -> s.counters().acceptQueueOverflows, "queue", "accept");
        counter(r, "tcp.syn.cookies", "SYN cookies (RFC 4987): SYN-ACKs sent with one, ACKs that opened or failed one",
                s -> s.counters().synCookiesSent, "result", "sent");
        counter(r, "tcp.syn.cookies", "SYN cookies (RFC 4987): SYN-ACKs sent with one, ACKs that opened or failed one",
                s -> s.counters().synCookiesAccepted, "result", "accepted");
        counter(r, "tcp.syn.cookies", "SYN cookies (RFC 4987): SYN-ACKs sent with one, ACKs that opened or failed one",
                s -> s.counters().synCookiesRejected, "result", "rejected");
        counter(r, "tcp.connection.limit.drops", "SYNs dropped at the connection limit",
                s -> s.counters().connectionLimitDrops);
        counter(r, "tcp.resets.unknown", "RSTs sent for segments that belong to no connection",
                s -> s.counters().resetsForUnknownConnections);
        counter(r, "tcp.packets", "IPv4 packets through the engine", s -> s.counters().packetsReceived, "direction", "in");
        counter(r, "tcp.packets", "IPv4 packets through the engine", s -> s.counters().packetsSent, "direction", "out");
        counter(r, "tcp.checksums.skipped", "TCP segments whose checksum was not verified (in) or not computed (out): the link guarantees integrity",
                s -> s.counters().checksumsNotVerified, "direction", "in");
        counter(r, "tcp.checksums.skipped", "TCP segments whose checksum was not verified (in) or not computed (out): the link guarantees integrity",
                s -> s.counters().checksumsNotComputed, "direction", "out");
        for (DropReason reason : DropReason.values()) {
            counter(r, "tcp.drops", "Incoming packets dropped before reaching a connection",
                    s -> s.drops().get(reason), "reason", reason.tag());
        }
        tcpCounter(r, "tcp.segments", "TCP segments", c -> c.segmentsSent, "direction", "out");
        tcpCounter(r, "tcp.segments", "TCP segments", c -> c.segmentsReceived, "direction", "in");
        tcpCounter(r, "tcp.retransmitted.segments", "Segments sent again", c -> c.retransmittedSegments);
        tcpCounter(r, "tcp.retransmits", "Retransmission events", c -> c.retransmitTimeouts, "kind", "timeout");
        tcpCounter(r, "tcp.retransmits", "Retransmission events", c -> c.fastRetransmits, "kind", "fast");
        tcpCounter(r, "tcp.retransmits", "Retransmission events", c -> c.synRetransmits, "kind", "syn");
        tcpCounter(r, "tcp.retransmits", "Retransmission events", c -> c.finRetransmits, "kind", "fin");
        tcpCounter(r, "tcp.spurious.rtos", "Retransmission timeouts found spurious and undone (RFC 3522, RFC 4015)",
                c -> c.spuriousRtos);
        tcpCounter(r, "tcp.duplicate.acks", "Duplicate ACKs received", c -> c.duplicateAcks);
        tcpCounter(r, "tcp.out.of.order.segments", "Segments that arrived ahead of a hole", c -> c.outOfOrderSegments);
        tcpCounter(r, "tcp.out.of.order.drops", "Out-of-order data dropped at the reassembly bound", c -> c.outOfOrderDropped);
        tcpCounter(r, "tcp.peer.mss.clamped", "Peer MSS options below 48 bytes raised to 48 (CVE-2019-11479)",
                c -> c.peerMssClamped);
        tcpCounter(r, "tcp.out.of.order.piece.limit.drops", "Out-of-order data dropped because its connection held the most pieces it may",
                c -> c.outOfOrderPieceLimitDrops);
        tcpCounter(r, "tcp.out.of.order.memory.drops",
                "Out-of-order data dropped because shard memory was under pressure and its connection held more than its fair share",
                c -> c.outOfOrderMemoryDrops);
        tcpCounter(r, "tcp.out.of.order.pruned", "Out-of-order queues discarded to free shard memory for connections below their fair share",
                c -> c.outOfOrderPruned);
        tcpCounter(r, "tcp.out.of.order.pruned.bytes", "Memory pinned by the out-of-order queues discarded", c -> c.outOfOrderPrunedBytes);
        tcpCounter(r, "tcp.paws.rejected", "Segments rejected by PAWS (RFC 7323)", c -> c.pawsRejected);
        tcpCounter(r, "tcp.challenge.acks", "Challenge ACKs sent (RFC 5961)", c -> c.challengeAcks);
        tcpCounter(r, "tcp.challenge.acks.suppressed", "Challenge ACKs held back by the per-connection or shard limit (RFC 5961)",
                c -> c.challengeAcksSuppressed);
        tcpCounter(r, "tcp.invalid.acks.suppressed", "ACKs for out-of-window or PAWS-rejected segments held back (500 ms per connection)",
                c -> c.invalidAcksSuppressed);
        tcpCounter(r, "tcp.probes", "Probes sent", c -> c.persistProbes, "kind", "persist");
        tcpCounter(r, "tcp.probes", "Probes sent", c -> c.keepaliveProbes, "kind", "keepalive");
        tcpCounter(r, "tcp.probes", "Probes sent", c -> c.tlpProbes, "kind", "tail_loss");
        tcpCounter(r, "tcp.tail.loss.recoveries", "Losses a tail loss probe repaired (RFC 8985)", c -> c.tlpRecoveries);
        tcpCounter(r, "tcp.rack.losses", "Segments RACK found lost by time (RFC 8985)", c -> c.rackLosses);
        tcpCounter(r, "tcp.dsacks", "ACKs received with a D-SACK block: a retransmission was needless (RFC 2883)",
                c -> c.dsacksReceived);
        tcpCounter(r, "tcp.resets", "RST segments", c -> c.resetsSent, "direction", "out");
        tcpCounter(r, "tcp.resets", "RST segments", c -> c.resetsReceived, "direction", "in");
        tcpCounter(r, "tcp.unacceptable.segments", "Segments outside the receive window", c -> c.unacceptableSegments);
        tcpCounter(r, "tcp.timeouts", "Connections closed by a timeout", c -> c.connectionTimeouts, "kind", "retransmit");
        tcpCounter(r, "tcp.timeouts", "Connections closed by a timeout", c -> c.finWait2Timeouts, "kind", "fin_wait_2");
        tcpCounter(r, "tcp.timeouts", "Connections closed by a timeout", c -> c.orphanRetriesExhausted, "kind", "orphan");
        tcpCounter(r, "tcp.timeouts", "Connections closed by a timeout", c -> c.persistTimeouts, "kind", "persist");
        tcpCounter(r, "tcp.pmtu.black.hole.fallbacks", "MSS fallbacks after timeouts of full-sized segments (RFC 4821)",
                c -> c.blackHoleMssReductions);
    }
}
