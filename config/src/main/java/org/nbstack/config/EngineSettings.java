package org.nbstack.config;

/**
 * The userspace engine's stack settings; server-app maps them onto tcp-engine's {@code StackConfig}.
 *
 * @param timeWaitLimit           connections in TIME_WAIT at once; beyond it the closing connection skips TIME_WAIT (counted)
 * @param maxConnections          connections of any state
 * @param maxConnectionsPerSource connections from one remote address; 0 = no limit
 * @param memoryLimit             octets all send and reassembly queues of one shard may hold together, reserves included
 * @param minReceiveMemory        out-of-order octets every connection may hold however full its shard is
 * @param minSendMemory           send octets every connection may queue however full its shard is
 * @param challengeAcksPerSecond  RFC 5961 challenge ACKs per second
 * @param synCookies              when SYN cookies (RFC 4987) answer SYNs instead of SYN_RECEIVED state
 * @param ephemeralPorts          ports the engine picks for its own connections
 * @param synBacklog              half-open connections per listener
 * @param ip                      the IPv4 layer: ICMP and reassembly
 * @param checksum                where the TCP checksum is computed and verified
 */
public record EngineSettings(TcpSettings tcp, int timeWaitLimit, int maxConnections, int maxConnectionsPerSource, long memoryLimit,
        int minReceiveMemory, int minSendMemory, int challengeAcksPerSecond, SynCookies synCookies, PortRange ephemeralPorts,
        int synBacklog, IpSettings ip, Checksum checksum) {

    /** When SYN cookies replace SYN_RECEIVED state. */
    public enum SynCookies {
        /** Never: a full SYN queue drops SYNs. */
        OFF,
        /** While a listener's SYN queue is full (Linux's default). */
        AUTO,
        /** Always. */
        ON
    }

    /** Where the TCP checksum is computed on send and verified on receive. */
    public enum Checksum {
        /** Only on links that do not guarantee the integrity of what they deliver (sim, TUN without offload). */
        AUTO,
        /** On every link, its own guarantee distrusted; the engines at both ends of a link must agree. */
        ALWAYS
    }
}
