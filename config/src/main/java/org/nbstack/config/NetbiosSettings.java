package org.nbstack.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The NetBIOS session service, shared by every listener; server-app maps it onto {@code NetbiosServerSettings}. */
public record NetbiosSettings(int backlog, int maxSessions, Duration sessionRequestTimeout, int maxPendingConnections,
        Duration keepAliveInterval,
        Duration idleTimeout, Duration writeStallTimeout, int maxMessageSize, Optional<String> defaultName,
        boolean smbServerAlias, boolean tcpKeepAlive, Duration tcpUserTimeout, int sendBufferSize, int receiveBufferSize,
        int writeBufferHighWaterMark, SessionQueueSettings session, List<NameSettings> names, int maxSessionsPerSource,
        int maxPendingPerSource) {

    public NetbiosSettings {
        names = List.copyOf(names);
    }
}
