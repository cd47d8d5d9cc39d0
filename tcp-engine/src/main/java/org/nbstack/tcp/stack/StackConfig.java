package org.nbstack.tcp.stack;

import java.util.List;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.ip.IpConfig;

/**
 * Settings of one engine stack: the IPv4 addresses it owns, the TCP defaults for its connections and
 * the bounds of its tables, each with a defined behaviour when reached.
 *
 * @param addresses              IPv4 addresses (ints) this stack answers for
 * @param tcp                    defaults for every connection
 * @param timeWaitLimit          connections allowed in TIME_WAIT at once (Linux tcp_max_tw_buckets); beyond it the
 *                               connection now closing skips TIME_WAIT (seed 001: never evict an entry early)
 * @param maxConnections         connections of any state; a SYN beyond it is dropped, a connect() refused
 * @param maxConnectionsPerSource connections from one remote address; a SYN beyond it is dropped (0 = no limit)
 * @param memoryLimit            bytes the stack may hold in send and reassembly queues, the connections' reserves
 *                               included; shared fairly between connections (ShardMemory): under pressure a
 *                               connection above its fair share gets no send space and its out-of-order data is
 *                               pruned; when no further reserve fits, new SYNs are dropped and connects refused
 * @param minReceiveMemory       out-of-order bytes every connection may hold however full the stack is (Linux
 *                               tcp_rmem[0]); reserved out of memoryLimit for each connection
 * @param minSendMemory          send bytes every connection may queue however full the stack is (Linux tcp_wmem[0]);
 *                               reserved out of memoryLimit for each connection
 * @param challengeAcksPerSecond RFC 5961 challenge ACKs the stack may send per second (Linux: 1000)
 * @param synCookies             when SYN cookies (RFC 4987) replace SYN_RECEIVED state
 * @param ephemeralLow           lowest ephemeral port (Linux ip_local_port_range)
 * @param ephemeralHigh          highest ephemeral port
 * @param defaultSynBacklog      SYN_RECEIVED connections allowed per listener unless the listener says otherwise
 * @param secretSeed             seed for the ISN/port/cookie secrets; null draws them from a SecureRandom
 * @param ip                     the IPv4 layer: ICMP, reassembly bounds, path MTU floor
 * @param checksums              whether the TCP checksum is skipped on a link that guarantees integrity
 */
public record StackConfig(List<Integer> addresses, TcpConfig tcp, int timeWaitLimit, int maxConnections,
        int maxConnectionsPerSource, long memoryLimit, int minReceiveMemory, int minSendMemory,
        int challengeAcksPerSecond, SynCookies synCookies,
        int ephemeralLow, int ephemeralHigh, int defaultSynBacklog, Long secretSeed, IpConfig ip,
        Checksums checksums) {

    /**
     * Default reserve per connection and direction: about five full segments (MSS 1460) of data, twice Linux's
     * 4 KiB, so a connection keeps a few segments in flight and some out-of-order data however full the stack is.
     */
    public static final int DEFAULT_MIN_MEMORY = 8 * 1024;

    /** When a listener answers SYNs with cookies instead of keeping SYN_RECEIVED state. */
    public enum SynCookies {
        /** Never: a full SYN queue drops SYNs. */
        OFF,
        /** Only while a listener's SYN queue is full (Linux's default, tcp_syncookies = 1). */
        AUTO,
        /** Always. */
        ON
    }

    /** Where the TCP checksum (RFC 9293 §3.1) is computed on send and verified on receive. */
    public enum Checksums {
        /** Only on links that do not guarantee the integrity of what they deliver (sim, TUN without offload). */
        AUTO,
        /** On every link, for an operator who distrusts a link's own guarantee; both ends must then say so. */
        ALWAYS
    }

    public StackConfig {
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("an engine stack needs at least one IPv4 address");
        }
        require(timeWaitLimit >= 0, "timeWaitLimit", timeWaitLimit, ">= 0");
        require(maxConnections >= 1, "maxConnections", maxConnections, ">= 1");
        require(maxConnectionsPerSource >= 0, "maxConnectionsPerSource", maxConnectionsPerSource, ">= 0 (0 = no limit)");
        require(memoryLimit >= 1, "memoryLimit", memoryLimit, ">= 1");
        require(minReceiveMemory >= 0, "minReceiveMemory", minReceiveMemory, ">= 0");
        require(minSendMemory >= 0, "minSendMemory", minSendMemory, ">= 0");
        if ((long) minReceiveMemory + minSendMemory > memoryLimit) {
            throw new IllegalArgumentException("memoryLimit = " + memoryLimit + " cannot hold one connection's reserve"
                    + " (minReceiveMemory " + minReceiveMemory + " + minSendMemory " + minSendMemory
                    + "); raise memoryLimit or lower the minimums");
        }
        require(challengeAcksPerSecond >= 0, "challengeAcksPerSecond", challengeAcksPerSecond, ">= 0");
        if (ephemeralLow < 1024 || ephemeralHigh > 65535 || ephemeralLow > ephemeralHigh) {
            throw new IllegalArgumentException("ephemeral port range " + ephemeralLow + "-" + ephemeralHigh
                    + " is invalid; allowed: 1024 <= low <= high <= 65535");
        }
        require(defaultSynBacklog >= 1, "defaultSynBacklog", defaultSynBacklog, ">= 1");
        if (ip == null) {
            throw new IllegalArgumentException("ip settings must be given (IpConfig.DEFAULT for Linux's)");
        }
        if (checksums == null) {
            throw new IllegalArgumentException("checksums must be one of " + List.of(Checksums.values()));
        }
        if (synCookies == null) {
            throw new IllegalArgumentException("synCookies must be one of " + List.of(SynCookies.values()));
        }
    }

    private static void require(boolean ok, String name, long value, String allowed) {
        if (!ok) {
            throw new IllegalArgumentException(name + " = " + value + " is out of range; allowed: " + allowed);
        }
    }

    public static StackConfig of(int... addresses) {
        return builder(addresses).build();
    }

    public static Builder builder(int... addresses) {
        return new Builder(java.util.Arrays.stream(addresses).boxed().toList());
    }

    public Builder toBuilder() {
        Builder b = new Builder(addresses);
        b.tcp = tcp;
        b.timeWaitLimit = timeWaitLimit;
        b.maxConnections = maxConnections;
        b.maxConnectionsPerSource = maxConnectionsPerSource;
        b.memoryLimit = memoryLimit;
        b.minReceiveMemory = minReceiveMemory;
        b.minSendMemory = minSendMemory;
        b.challengeAcksPerSecond = challengeAcksPerSecond;
        b.synCookies = synCookies;
        b.ephemeralLow = ephemeralLow;
        b.ephemeralHigh = ephemeralHigh;
        b.defaultSynBacklog = defaultSynBacklog;
        b.secretSeed = secretSeed;
        b.ip = ip;
        b.checksums = checksums;
        return b;
    }

    public StackConfig withTcp(TcpConfig config) {
        return toBuilder().tcp(config).build();
    }

    public StackConfig withTimeWaitLimit(int limit) {
        return toBuilder().timeWaitLimit(limit).build();
    }

    public StackConfig withEphemeralRange(int low, int high) {
        return toBuilder().ephemeralRange(low, high).build();
    }

    public StackConfig withSecretSeed(long seed) {
        return toBuilder().secretSeed(seed).build();
    }

    public StackConfig withMaxConnections(int max) {
        return toBuilder().maxConnections(max).build();
    }

    /** Fluent construction; defaults follow Linux where it has an equivalent. */
    public static final class Builder {
        private final List<Integer> addresses;
        private TcpConfig tcp = TcpConfig.DEFAULT;
        private int timeWaitLimit = 65_536;
        private int maxConnections = 262_144;
        private int maxConnectionsPerSource = 0;
        private long memoryLimit = 1L << 30;
        private int minReceiveMemory = DEFAULT_MIN_MEMORY;
        private int minSendMemory = DEFAULT_MIN_MEMORY;
        private int challengeAcksPerSecond = 1000;
        private SynCookies synCookies = SynCookies.AUTO;
        private int ephemeralLow = 32768;
        private int ephemeralHigh = 60999;
        private int defaultSynBacklog = 4096;
        private Long secretSeed;
        private IpConfig ip = IpConfig.DEFAULT;
        private Checksums checksums = Checksums.AUTO;

        private Builder(List<Integer> addresses) {
            this.addresses = addresses;
        }

        public Builder tcp(TcpConfig v) { tcp = v; return this; }
        public Builder timeWaitLimit(int v) { timeWaitLimit = v; return this; }
        public Builder maxConnections(int v) { maxConnections = v; return this; }
        public Builder maxConnectionsPerSource(int v) { maxConnectionsPerSource = v; return this; }
        public Builder memoryLimit(long v) { memoryLimit = v; return this; }
        public Builder minReceiveMemory(int v) { minReceiveMemory = v; return this; }
        public Builder minSendMemory(int v) { minSendMemory = v; return this; }
        public Builder challengeAcksPerSecond(int v) { challengeAcksPerSecond = v; return this; }
        public Builder synCookies(SynCookies v) { synCookies = v; return this; }
        public Builder ephemeralRange(int low, int high) { ephemeralLow = low; ephemeralHigh = high; return this; }
        public Builder defaultSynBacklog(int v) { defaultSynBacklog = v; return this; }
        public Builder secretSeed(Long v) { secretSeed = v; return this; }
        public Builder ip(IpConfig v) { ip = v; return this; }
        public Builder checksums(Checksums v) { checksums = v; return this; }

        public StackConfig build() {
            return new StackConfig(addresses, tcp, timeWaitLimit, maxConnections, maxConnectionsPerSource, memoryLimit,
                    minReceiveMemory, minSendMemory, challengeAcksPerSecond, synCookies, ephemeralLow, ephemeralHigh, defaultSynBacklog, secretSeed, ip,
                    checksums);
        }
    }
}
