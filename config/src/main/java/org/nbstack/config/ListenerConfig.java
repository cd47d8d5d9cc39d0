package org.nbstack.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One NetBIOS session listener: a transport and an address to listen on.
 *
 * @param name             the key under {@code nbstack.listeners}
 * @param enabled          false leaves it out entirely
 * @param required         true: failing to start it stops the server; false: it is skipped with one line saying why
 * @param transport        {@code engine}, {@code nio} or {@code epoll}
 * @param bind             address and port to listen on (for the engine: one of its own addresses)
 * @param threads          event loop threads of this listener
 * @param addresses        the engine's own IPv4 addresses, comma-separated (engine only; "" for kernel transports)
 * @param link             the engine's packet link URI (engine only; "" for kernel transports)
 * @param transportOptions further options handed to the transport as they are
 * @param protocol         what a connection speaks first: the NetBIOS session service, or SMB2 directly over TCP
 */
public record ListenerConfig(String name, boolean enabled, boolean required, String transport, HostPort bind, int threads,
        String addresses, String link, Map<String, String> transportOptions, Protocol protocol) {

    /** {@code nbss}: RFC 1002 session setup first; {@code smb-direct}: MS-SMB2 2.1 direct TCP, each connection served as the default name. */
    public enum Protocol { NBSS, SMB_DIRECT }

    /** The transport option keys the engine reads (see README, "Modes"). */
    public static final String ADDRESSES_OPTION = "addresses";
    public static final String LINK_OPTION = "link";
    public static final String THREADS_OPTION = "threads";

    public ListenerConfig {
        transportOptions = Map.copyOf(transportOptions);
    }

    /** Everything the transport is created with: {@code addresses}, {@code link}, {@code threads} and the extra options. */
    public Map<String, String> allTransportOptions() {
        Map<String, String> options = new LinkedHashMap<>(transportOptions);
        if (!addresses.isEmpty()) {
            options.put(ADDRESSES_OPTION, addresses);
        }
        if (!link.isEmpty()) {
            options.put(LINK_OPTION, link);
        }
        options.put(THREADS_OPTION, Integer.toString(threads));
        return options;
    }
}
