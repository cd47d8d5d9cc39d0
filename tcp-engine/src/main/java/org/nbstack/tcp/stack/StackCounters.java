package org.nbstack.tcp.stack;

/** Stack-level event counts; written by the stack's thread, read racily by metrics. */
public final class StackCounters {
    public long activeOpens;
    public long passiveOpens;
    public long synQueueOverflows;
    public long acceptQueueOverflows;
    public long connectionLimitDrops;
    public long perSourceLimitDrops;
    public long memoryLimitDrops;
    public long synCookiesSent;
    public long synCookiesAccepted;
    public long synCookiesRejected;
    public long timeWaitOverflows;
    public long timeWaitReused;
    public long resetsForUnknownConnections;
    public long packetsReceived;
    public long packetsSent;
    /** TCP segments accepted without verifying their checksum: the link guarantees integrity. */
    public long checksumsNotVerified;
    /** TCP segments sent without computing their checksum: the link guarantees integrity. */
    public long checksumsNotComputed;
}
