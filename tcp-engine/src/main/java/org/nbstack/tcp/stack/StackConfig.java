package org.nbstack.tcp.stack;

import java.util.List;
import org.nbstack.tcp.core.TcpConfig;

/**
 * Settings of one engine stack: the IPv4 addresses it owns, the TCP defaults for its connections and
 * the bounds of its tables.
 *
 * @param addresses          IPv4 addresses (ints) this stack answers for
 * @param tcp                defaults for every connection
 * @param timeWaitLimit      connections allowed in TIME_WAIT at once (Linux tcp_max_tw_buckets); beyond it the
 *                           connection now closing skips TIME_WAIT (seed 001: never evict an entry early)
 * @param maxConnections     connections of any state; a SYN beyond it is dropped, a connect() refused
 * @param ephemeralLow       lowest ephemeral port (Linux ip_local_port_range)
 * @param ephemeralHigh      highest ephemeral port
 * @param defaultSynBacklog  SYN_RECEIVED connections allowed per listener unless the listener says otherwise
 * @param secretSeed         seed for the ISN/port secrets; null draws them from a SecureRandom
 */
public record StackConfig(List<Integer> addresses, TcpConfig tcp, int timeWaitLimit, int maxConnections,
        int ephemeralLow, int ephemeralHigh, int defaultSynBacklog, Long secretSeed) {

    public StackConfig {
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("an engine stack needs at least one IPv4 address");
        }
        if (timeWaitLimit < 0) {
            throw new IllegalArgumentException("timeWaitLimit = " + timeWaitLimit + "; allowed: >= 0");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections = " + maxConnections + "; allowed: >= 1");
        }
        if (ephemeralLow < 1024 || ephemeralHigh > 65535 || ephemeralLow > ephemeralHigh) {
            throw new IllegalArgumentException("ephemeral port range " + ephemeralLow + "-" + ephemeralHigh
                    + " is invalid; allowed: 1024 <= low <= high <= 65535");
        }
        if (defaultSynBacklog < 1) {
            throw new IllegalArgumentException("defaultSynBacklog = " + defaultSynBacklog + "; allowed: >= 1");
        }
    }

    public static StackConfig of(int... addresses) {
        return new StackConfig(java.util.Arrays.stream(addresses).boxed().toList(), TcpConfig.DEFAULT, 65536,
                262_144, 32768, 60999, 4096, null);
    }

    public StackConfig withTcp(TcpConfig config) {
        return new StackConfig(addresses, config, timeWaitLimit, maxConnections, ephemeralLow, ephemeralHigh,
                defaultSynBacklog, secretSeed);
    }

    public StackConfig withTimeWaitLimit(int limit) {
        return new StackConfig(addresses, tcp, limit, maxConnections, ephemeralLow, ephemeralHigh, defaultSynBacklog,
                secretSeed);
    }

    public StackConfig withEphemeralRange(int low, int high) {
        return new StackConfig(addresses, tcp, timeWaitLimit, maxConnections, low, high, defaultSynBacklog, secretSeed);
    }

    public StackConfig withSecretSeed(long seed) {
        return new StackConfig(addresses, tcp, timeWaitLimit, maxConnections, ephemeralLow, ephemeralHigh,
                defaultSynBacklog, seed);
    }

    public StackConfig withMaxConnections(int max) {
        return new StackConfig(addresses, tcp, timeWaitLimit, max, ephemeralLow, ephemeralHigh, defaultSynBacklog,
                secretSeed);
    }
}
