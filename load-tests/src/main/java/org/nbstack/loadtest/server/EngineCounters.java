package org.nbstack.loadtest.server;

import java.util.Optional;
import org.nbstack.spi.Transport;
import org.nbstack.tcp.core.TcpCounters;
import org.nbstack.tcp.netty.Engine;
import org.nbstack.tcp.netty.EngineTransport;
import org.nbstack.tcp.stack.TcpStack;

/**
 * The counters of one engine that tell why a run on it was slow: packets lost (link and shard-queue drops) and what
 * TCP did about them (retransmissions). Read racily from the shards' threads, as the engine's meters are.
 *
 * @param synRetransmits   SYN and SYN-ACK retransmissions (each costs at least the 1 s initial RTO)
 * @param timeouts         retransmission timeouts of any kind
 * @param retransmitted    segments sent again
 * @param duplicateAcks    duplicate ACKs received
 * @param packetDrops      incoming packets dropped before reaching a connection (malformed, not ours) or at a full
 *                         shard inbound queue (in-JVM only)
 * @param linkDrops        packets the link dropped (no route, too big, closed, unknown sender; in-JVM only)
 * @param listenOverflows  SYNs dropped because a listener's SYN or accept queue was full, or at the connection limit
 */
public record EngineCounters(long synRetransmits, long timeouts, long retransmitted, long duplicateAcks, long packetDrops,
        long linkDrops, long listenOverflows) {

    /** The counters of the engine behind {@code transport}; empty when it is not the engine (the kernel's TCP). */
    public static Optional<EngineCounters> of(Transport transport) {
        Transport inner = transport instanceof ObservedTransport observed ? observed.delegate() : transport;
        return inner instanceof EngineTransport engine ? Optional.of(of(engine.engine())) : Optional.empty();
    }

    static EngineCounters of(Engine engine) {
        long syn = 0;
        long timeouts = 0;
        long retransmitted = 0;
        long dupAcks = 0;
        long drops = engine.inboundDrops();
        long overflows = 0;
        for (TcpStack stack : engine.stacks()) {
            TcpCounters c = stack.tcpCounters();
            syn += c.synRetransmits;
            timeouts += c.retransmitTimeouts;
            retransmitted += c.retransmittedSegments;
            dupAcks += c.duplicateAcks;
            drops += stack.drops().total();
            overflows += stack.counters().synQueueOverflows + stack.counters().acceptQueueOverflows
                    + stack.counters().connectionLimitDrops;
        }
        long linkDrops = engine.link() == null ? 0 : engine.link().counters().drops();
        return new EngineCounters(syn, timeouts, retransmitted, dupAcks, drops, linkDrops, overflows);
    }

    /** What was counted since {@code earlier}. */
    public EngineCounters since(EngineCounters earlier) {
        return new EngineCounters(synRetransmits - earlier.synRetransmits, timeouts - earlier.timeouts,
                retransmitted - earlier.retransmitted, duplicateAcks - earlier.duplicateAcks, packetDrops - earlier.packetDrops,
                linkDrops - earlier.linkDrops, listenOverflows - earlier.listenOverflows);
    }

    @Override
    public String toString() {
        return synRetransmits + " SYN retransmissions, " + timeouts + " RTOs, " + retransmitted + " segments retransmitted, "
                + duplicateAcks + " duplicate ACKs, " + packetDrops + " packets dropped, " + linkDrops + " link drops, " + listenOverflows + " SYNs dropped at a full listen queue or the connection limit";
    }
}
