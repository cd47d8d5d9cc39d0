package org.nbstack.config;

import java.time.Duration;

/**
 * The userspace engine's IPv4 layer ({@code nbstack.engine.ip}); server-app maps it onto tcp-engine's {@code IpConfig}.
 *
 * @param echoReplies               answer ICMP echo requests
 * @param icmpRepliesPerSecond      ICMP messages sent per second (burst of a twentieth); 0 = none
 * @param reassemblyTimeout         how long fragments of one datagram wait for the rest
 * @param reassemblyMemory          octets all incomplete datagrams may hold; 0 turns reassembly off
 * @param reassemblyMemoryPerSource octets the incomplete datagrams of one source address may hold
 * @param maxFragmentsPerDatagram   fragments one datagram may have
 * @param minPathMtu                lowest path MTU an ICMP "fragmentation needed" may set
 */
public record IpSettings(boolean echoReplies, int icmpRepliesPerSecond, Duration reassemblyTimeout, long reassemblyMemory,
        long reassemblyMemoryPerSource, int maxFragmentsPerDatagram, int minPathMtu) {
}
