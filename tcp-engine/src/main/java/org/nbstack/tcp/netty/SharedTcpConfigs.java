package org.nbstack.tcp.netty;

import java.util.concurrent.ConcurrentHashMap;
import org.nbstack.tcp.core.TcpConfig;

/**
 * One instance of each distinct {@link TcpConfig} the channels of an engine use, so that thousands of
 * connections with the same options (a listener's children, a client's connections) share one record
 * instead of each holding its own copy. Bounded: beyond {@link #LIMIT} distinct option sets a connection
 * keeps its own copy, which only costs memory.
 */
final class SharedTcpConfigs {
    static final int LIMIT = 64;

    private final ConcurrentHashMap<TcpConfig, TcpConfig> configs = new ConcurrentHashMap<>();

    /** The shared instance equal to {@code config}, which becomes it if there is none and room is left. */
    TcpConfig share(TcpConfig config) {
        TcpConfig known = configs.get(config);
        if (known != null) {
            return known;
        }
        if (configs.size() >= LIMIT) {
            return config;
        }
        known = configs.putIfAbsent(config, config);
        return known != null ? known : config;
    }

    /** Distinct option sets shared so far. */
    int size() {
        return configs.size();
    }
}
