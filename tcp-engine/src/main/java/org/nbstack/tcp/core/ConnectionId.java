package org.nbstack.tcp.core;

import org.nbstack.tcp.wire.Ipv4;

/** The 4-tuple naming a connection, from the local side. Addresses are IPv4 ints, ports 0..65535. */
public record ConnectionId(int localAddr, int localPort, int remoteAddr, int remotePort) {

    @Override
    public int hashCode() {
        // Mixes all four fields so shard selection and hash tables spread well.
        long h = ((long) localAddr << 32 | (remoteAddr & 0xffffffffL)) * 0x9E3779B97F4A7C15L;
        h ^= ((long) localPort << 16 | remotePort) * 0xC2B2AE3D27D4EB4FL;
        return (int) (h ^ h >>> 32);
    }

    @Override
    public String toString() {
        return Ipv4.toString(localAddr) + ":" + localPort + " <-> " + Ipv4.toString(remoteAddr) + ":" + remotePort;
    }
}
