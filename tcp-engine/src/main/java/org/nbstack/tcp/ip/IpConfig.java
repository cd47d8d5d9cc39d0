package org.nbstack.tcp.ip;

/**
 * Settings of the engine's IPv4 layer; the defaults mirror Linux.
 *
 * @param echoReplies               answer ICMP echo requests (Linux: net.ipv4.icmp_echo_ignore_all = 0)
 * @param icmpRepliesPerSecond      ICMP messages the stack sends per second, burst of a twentieth of that (Linux:
 *                                  net.ipv4.icmp_msgs_per_sec = 1000, icmp_msgs_burst = 50); beyond it replies are
 *                                  suppressed and counted
 * @param reassemblyTimeoutNanos    how long the fragments of one datagram wait for the rest (Linux: ipfrag_time 30 s)
 * @param reassemblyMemory          octets all incomplete datagrams may pin together (Linux: ipfrag_high_thresh
 *                                  4 MiB); beyond it the oldest incomplete datagrams are discarded
 * @param reassemblyMemoryPerSource octets the incomplete datagrams of one source address may pin; a fragment beyond
 *                                  it is dropped, so one source cannot take the whole reassembly memory
 * @param maxFragmentsPerDatagram   fragments one datagram may have; beyond it the datagram is discarded
 * @param minPathMtu                lowest path MTU an ICMP "fragmentation needed" may set (Linux: min_pmtu 552)
 */
public record IpConfig(boolean echoReplies, int icmpRepliesPerSecond, long reassemblyTimeoutNanos, long reassemblyMemory,
        long reassemblyMemoryPerSource, int maxFragmentsPerDatagram, int minPathMtu) {

    /** RFC 791: every IPv4 host must take 68-octet datagrams without fragmentation. */
    public static final int MIN_IPV4_MTU = 68;

    public static final IpConfig DEFAULT = new IpConfig(true, 1000, 30_000_000_000L, 4L << 20, 256L << 10, 128, 552);

    public IpConfig {
        require(icmpRepliesPerSecond >= 0, "icmpRepliesPerSecond", icmpRepliesPerSecond, ">= 0");
        require(reassemblyTimeoutNanos >= 1_000_000L, "reassemblyTimeoutNanos", reassemblyTimeoutNanos, ">= 1 ms");
        require(reassemblyMemory >= 0, "reassemblyMemory", reassemblyMemory, ">= 0 (0 turns reassembly off)");
        require(reassemblyMemoryPerSource >= 0 && reassemblyMemoryPerSource <= Math.max(reassemblyMemory, 0),
                "reassemblyMemoryPerSource", reassemblyMemoryPerSource, "0..reassemblyMemory");
        require(maxFragmentsPerDatagram >= 2 && maxFragmentsPerDatagram <= 8192, "maxFragmentsPerDatagram",
                maxFragmentsPerDatagram, "2..8192");
        require(minPathMtu >= MIN_IPV4_MTU && minPathMtu <= 65535, "minPathMtu", minPathMtu, "68..65535");
    }

    private static void require(boolean ok, String name, long value, String allowed) {
        if (!ok) {
            throw new IllegalArgumentException(name + " = " + value + " is out of range; allowed: " + allowed);
        }
    }

    public IpConfig withEchoReplies(boolean on) {
        return new IpConfig(on, icmpRepliesPerSecond, reassemblyTimeoutNanos, reassemblyMemory, reassemblyMemoryPerSource,
                maxFragmentsPerDatagram, minPathMtu);
    }

    public IpConfig withIcmpRepliesPerSecond(int perSecond) {
        return new IpConfig(echoReplies, perSecond, reassemblyTimeoutNanos, reassemblyMemory, reassemblyMemoryPerSource,
                maxFragmentsPerDatagram, minPathMtu);
    }

    public IpConfig withReassembly(long timeoutNanos, long memory, long memoryPerSource, int maxFragments) {
        return new IpConfig(echoReplies, icmpRepliesPerSecond, timeoutNanos, memory, memoryPerSource, maxFragments,
                minPathMtu);
    }

    public IpConfig withMinPathMtu(int mtu) {
        return new IpConfig(echoReplies, icmpRepliesPerSecond, reassemblyTimeoutNanos, reassemblyMemory,
                reassemblyMemoryPerSource, maxFragmentsPerDatagram, mtu);
    }
}
