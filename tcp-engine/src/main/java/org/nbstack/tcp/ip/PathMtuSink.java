package org.nbstack.tcp.ip;

import org.nbstack.tcp.core.ConnectionId;

/** Where the IP layer reports a validated "fragmentation needed" (RFC 1191): the stack's connection table. */
@FunctionalInterface
public interface PathMtuSink {
    /**
     * The path to {@code id}'s peer takes at most {@code mtu} octets; the ICMP message quoted a segment starting at
     * {@code seq}. Returns whether a connection took it (it exists, {@code seq} is in flight, the MTU is lower).
     */
    boolean lowerPathMtu(long now, ConnectionId id, int seq, int mtu);
}
