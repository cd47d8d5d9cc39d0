package org.nbstack.tcp.core;

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
    public long outOfOrderSegments;
    public long outOfOrderDropped;
    public long pawsRejected;
    public long challengeAcks;
    public long persistProbes;
    public long keepaliveProbes;
    public long resetsSent;
    public long resetsReceived;
    public long unacceptableSegments;
    public long connectionTimeouts;
    public long finWait2Timeouts;
    public long orphanRetriesExhausted;
}
