package org.nbstack.tcp.ip;

/** Counts of the IPv4 layer of one stack; written by the stack's thread, read racily by metrics. */
public final class IpCounters {
    public long icmpReceived;
    public long echoRequests;
    public long echoRepliesSent;
    /** Echo requests not answered: replies off, or over the ICMP rate limit. */
    public long echoRepliesSuppressed;
    public long fragmentationNeededReceived;
    /** "Fragmentation needed" messages that lowered a connection's path MTU. */
    public long pathMtuLowered;
    /** "Fragmentation needed" messages quoting no connection, no segment in flight, or no lower MTU (RFC 5927). */
    public long fragmentationNeededIgnored;
    /** Other ICMP messages (other unreachable codes are soft errors for TCP, RFC 1122 4.2.3.9). */
    public long icmpOtherIgnored;
    public long fragmentsReceived;
    public long datagramsReassembled;
    public long reassemblyTimeouts;
    /** Datagrams discarded because two fragments overlapped (RFC 5722's rule, applied to IPv4 as Linux does). */
    public long reassemblyOverlaps;
    /** Fragments or datagrams dropped at a bound: memory (total or per source), fragment count, bad geometry. */
    public long reassemblyLimitDrops;
    /** Octets incomplete datagrams pin now (a gauge). */
    public long reassemblyBytes;
    /** Incomplete datagrams held now (a gauge). */
    public long reassemblyDatagrams;
}
