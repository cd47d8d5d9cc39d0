package org.nbstack.tcp.core;

import org.nbstack.tcp.core.congestion.CongestionAlgorithm;

/**
 * Engine-wide TCP event counts (one instance per shard). Written only by the shard's thread; metrics
 * read them from other threads without synchronization, where a slightly stale value is fine.
 */
public final class TcpCounters {
    public long segmentsSent;
    public long segmentsReceived;
    public long retransmittedSegments;
    public long retransmitTimeouts;
    public long fastRetransmits;
    public long synRetransmits;
    public long finRetransmits;
    public long duplicateAcks;
    /** Tail loss probes sent (RFC 8985 §7.3; Linux TCPLossProbes). */
    public long tlpProbes;
    /** Losses a tail loss probe repaired (RFC 8985 §7.4; Linux TCPLossProbeRecovery). */
    public long tlpRecoveries;
    /** Segments RACK marked lost by time (RFC 8985 §6.2). */
    public long rackLosses;
    /** ACKs carrying a D-SACK block (RFC 2883): something we retransmitted had arrived already. */
    public long dsacksReceived;
    /** Retransmission timeouts found spurious by their timestamps and taken back (RFC 3522, RFC 4015). */
    public long spuriousRtos;
    public long outOfOrderSegments;
    public long outOfOrderDropped;
    /** Out-of-order data dropped because its connection already held the most pieces it may (of outOfOrderDropped). */
    public long outOfOrderPieceLimitDrops;
    /**
     * Out-of-order data dropped because the shard's memory was under pressure and its connection held more than
     * its fair share (of outOfOrderDropped; ShardMemory).
     */
    public long outOfOrderMemoryDrops;
    /** Out-of-order queues discarded to free shard memory for connections below their fair share (tcp_prune_ofo_queue). */
    public long outOfOrderPruned;
    /** Memory those discarded queues pinned. */
    public long outOfOrderPrunedBytes;
    public long pawsRejected;
    public long challengeAcks;
    public long challengeAcksSuppressed;
    /** ACKs not sent for out-of-window or PAWS-rejected segments: the 500 ms per-connection limit (Linux TCPACKSkipped*). */
    public long invalidAcksSuppressed;
    public long persistProbes;
    public long keepaliveProbes;
    public long resetsSent;
    public long resetsReceived;
    public long unacceptableSegments;
    public long connectionTimeouts;
    public long finWait2Timeouts;
    public long orphanRetriesExhausted;
    /** Connections aborted because zero-window probing reached its bound (RFC 1122 4.2.2.17). */
    public long persistTimeouts;
    /** Peer MSS options below the floor, raised to it (CVE-2019-11479). */
    public long peerMssClamped;
    /** Connections that fell back to a 1024-octet MSS after timeouts of full-sized segments (RFC 4821 §7.7). */
    public long blackHoleMssReductions;
    /** TIME_WAIT entries ended by the peer's RST answering our ACK of its reconnect SYN (decision 0007). */
    public long timeWaitResetReleases;
    /** RSTs ignored in TIME_WAIT (RFC 1337). */
    public long timeWaitResetsIgnored;
    /** Connections now in each state, by {@link TcpState#ordinal()}; CLOSED is not counted. */
    private final long[] inState = new long[TcpState.values().length];

    void stateChanged(TcpState from, TcpState to) {
        if (from != null && from != TcpState.CLOSED) {
            inState[from.ordinal()]--;
        }
        if (to != TcpState.CLOSED) {
            inState[to.ordinal()]++;
        }
    }

    /** Open connections now using each congestion control algorithm, by ordinal. */
    private final long[] withCongestionControl = new long[CongestionAlgorithm.values().length];

    void congestionControlChanged(CongestionAlgorithm from, CongestionAlgorithm to) {
        if (from != null) {
            withCongestionControl[from.ordinal()]--;
        }
        if (to != null) {
            withCongestionControl[to.ordinal()]++;
        }
    }

    /** Open (not CLOSED) connections now using {@code algorithm}. */
    public long connectionsWith(CongestionAlgorithm algorithm) {
        return withCongestionControl[algorithm.ordinal()];
    }

    /** Connections now in {@code state}. */
    public long connectionsIn(TcpState state) {
        return inState[state.ordinal()];
    }
}
