package org.nbstack.netbios.server;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.nbstack.netbios.codec.NbssFrames;
import org.nbstack.netbios.name.NetbiosName;
import org.nbstack.netbios.session.SessionLimits;
import org.nbstack.netbios.session.SessionSettings;
import org.nbstack.netbios.session.SessionTimeouts;
import org.nbstack.spi.TransportOptions;

/**
 * Everything a {@link NetbiosServer} is configured by. Immutable and validated when built: each error names
 * the setting (in the kebab-case a configuration file uses) and the value that was wrong.
 *
 * @param transport               transport name: {@code nio}, {@code epoll}, {@code engine}
 * @param transportOptions        options for the transport (the engine's addresses, link, ...)
 * @param bindAddress             where to listen; port 139 is the RFC 1002 port
 * @param eventLoopThreads        I/O threads
 * @param backlog                 pending connections the listening socket keeps
 * @param maxPendingConnections   accepted connections still waiting for their SESSION REQUEST to be answered; when
 *                                that many wait, a new connection is reset at once (counted, logged at a bounded rate)
 * @param maxSessions             established sessions at once, all names together; 0 = no limit
 * @param sessionRequestTimeout   a new connection must send its SESSION REQUEST within this
 * @param keepAliveInterval       send a KEEP ALIVE after this long without sending, abort if it cannot be written
 *                                within one more interval; 0 = off
 * @param idleTimeout             close a session without SESSION MESSAGEs for this long; 0 = off
 * @param writeStallTimeout       abort a session whose queued data makes no progress for this long; 0 = off
 * @param maxMessageSize          largest SESSION MESSAGE accepted or sent, up to 131,071
 * @param sessionLimits           each session's queue bounds, memory budget and overflow policy
 * @param defaultName             the name {@code *SMBSERVER<20>} is mapped to
 * @param smbServerAlias          map {@code *SMBSERVER<20>} to the default name
 * @param tcpKeepAlive            SO_KEEPALIVE on sessions
 * @param tcpUserTimeout          abort when sent data stays unacknowledged this long (TCP_USER_TIMEOUT, where the transport has it); 0 = system default
 * @param sendBufferSize          SO_SNDBUF for sessions; 0 = system default
 * @param receiveBufferSize       SO_RCVBUF for sessions; 0 = system default
 * @param writeBufferHighWaterMark octets the transport may hold for a session before it stops taking more
 * @param maxSessionsPerSource    established sessions from one remote address; beyond it a SESSION REQUEST gets a
 *                                NEGATIVE SESSION RESPONSE 0x83 (insufficient resources); 0 = no per-address limit
 * @param maxPendingPerSource     connections from one remote address waiting for their SESSION REQUEST; beyond it
 *                                the newest is reset at once, as for max-pending-connections; 0 = no per-address limit
 */
public record NetbiosServerSettings(String transport, TransportOptions transportOptions, InetSocketAddress bindAddress,
        int eventLoopThreads, int backlog, int maxPendingConnections, int maxSessions, Duration sessionRequestTimeout,
        Duration keepAliveInterval, Duration idleTimeout, Duration writeStallTimeout, int maxMessageSize, SessionLimits sessionLimits,
        Optional<NetbiosName> defaultName, boolean smbServerAlias, boolean tcpKeepAlive, Duration tcpUserTimeout,
        int sendBufferSize, int receiveBufferSize, int writeBufferHighWaterMark, int maxSessionsPerSource,
        int maxPendingPerSource) {

    /** RFC 1002 §4.3: the session service port. */
    public static final int NBSS_PORT = 139;

    public NetbiosServerSettings {
        require(transport != null && !transport.isBlank(), "transport", transport, "must name a transport such as nio or epoll");
        Objects.requireNonNull(transportOptions, "transport-options");
        Objects.requireNonNull(bindAddress, "bind-address");
        Objects.requireNonNull(sessionLimits, "session-limits");
        Objects.requireNonNull(defaultName, "default-name");
        require(eventLoopThreads >= 1, "event-loop-threads", eventLoopThreads, "must be at least 1");
        require(backlog >= 1, "backlog", backlog, "must be at least 1");
        require(maxPendingConnections >= 1, "max-pending-connections", maxPendingConnections, "must be at least 1");
        require(maxSessions >= 0, "max-sessions", maxSessions, "must be 0 (no limit) or positive");
        require(sessionRequestTimeout != null && sessionRequestTimeout.compareTo(Duration.ZERO) > 0,
                "session-request-timeout", sessionRequestTimeout, "must be positive");
        notNegative("keep-alive-interval", keepAliveInterval);
        notNegative("idle-timeout", idleTimeout);
        notNegative("write-stall-timeout", writeStallTimeout);
        notNegative("tcp-user-timeout", tcpUserTimeout);
        // The socket option is a count of milliseconds in a C int.
        require(tcpUserTimeout.isZero() || tcpUserTimeout.toMillis() >= 1 && tcpUserTimeout.toMillis() <= Integer.MAX_VALUE,
                "tcp-user-timeout", tcpUserTimeout, "must be 0 (system default) or 1 ms .. " + Integer.MAX_VALUE + " ms");
        require(maxMessageSize >= 0 && maxMessageSize <= NbssFrames.MAX_LENGTH, "max-message-size", maxMessageSize,
                "must be 0..131071 (17 bits, RFC 1002 §4.3.1)");
        require(sendBufferSize >= 0, "send-buffer-size", sendBufferSize, "must be 0 (system default) or positive");
        require(receiveBufferSize >= 0, "receive-buffer-size", receiveBufferSize, "must be 0 (system default) or positive");
        require(maxSessionsPerSource >= 0, "max-sessions-per-source", maxSessionsPerSource, "must be 0 (no limit) or positive");
        require(maxPendingPerSource >= 0, "max-pending-per-source", maxPendingPerSource, "must be 0 (no limit) or positive");
        require(writeBufferHighWaterMark >= 1024, "write-buffer-high-water-mark", writeBufferHighWaterMark, "must be at least 1024");
        require(sessionLimits.outboundMaxBytes() >= maxMessageSize && sessionLimits.inboundMaxBytes() >= maxMessageSize,
                "session-limits", sessionLimits, "must let inbound-max-bytes and outbound-max-bytes each hold one message of max-message-size (" + maxMessageSize + ")");
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The bounds every established session gets. */
    public SessionSettings sessionSettings() {
        return new SessionSettings(sessionLimits, new SessionTimeouts(keepAliveInterval, idleTimeout, writeStallTimeout), maxMessageSize);
    }

    private static void notNegative(String name, Duration value) {
        require(value != null && !value.isNegative(), name, value, "must be 0 (off) or positive");
    }

    private static void require(boolean ok, String name, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException("netbios server setting '" + name + "' " + rule + ", but was " + value);
        }
    }

    /** Builds {@link NetbiosServerSettings}, starting from the defaults. */
    public static final class Builder {
        private String transport = "nio";
        private TransportOptions transportOptions = TransportOptions.empty();
        private InetSocketAddress bindAddress = new InetSocketAddress("0.0.0.0", NBSS_PORT);
        private int eventLoopThreads = Runtime.getRuntime().availableProcessors();
        private int backlog = 128;
        private int maxPendingConnections = 256;
        private int maxSessions = 1024;
        private Duration sessionRequestTimeout = Duration.ofSeconds(30);
        private Duration keepAliveInterval = Duration.ofSeconds(60);
        private Duration idleTimeout = Duration.ZERO;
        private Duration writeStallTimeout = Duration.ofSeconds(30);
        private int maxMessageSize = NbssFrames.MAX_LENGTH;
        private SessionLimits sessionLimits = SessionLimits.DEFAULT;
        private Optional<NetbiosName> defaultName = Optional.empty();
        private boolean smbServerAlias = true;
        private boolean tcpKeepAlive = true;
        private Duration tcpUserTimeout = Duration.ZERO;
        private int sendBufferSize;
        private int receiveBufferSize;
        private int writeBufferHighWaterMark = 64 * 1024;
        /** Off for embedders; the server's configuration (reference.conf) turns both on. */
        private int maxSessionsPerSource;
        private int maxPendingPerSource;

        private Builder() {
        }

        private Builder(NetbiosServerSettings s) {
            transport = s.transport;
            transportOptions = s.transportOptions;
            bindAddress = s.bindAddress;
            eventLoopThreads = s.eventLoopThreads;
            backlog = s.backlog;
            maxPendingConnections = s.maxPendingConnections;
            maxSessions = s.maxSessions;
            sessionRequestTimeout = s.sessionRequestTimeout;
            keepAliveInterval = s.keepAliveInterval;
            idleTimeout = s.idleTimeout;
            writeStallTimeout = s.writeStallTimeout;
            maxMessageSize = s.maxMessageSize;
            sessionLimits = s.sessionLimits;
            defaultName = s.defaultName;
            smbServerAlias = s.smbServerAlias;
            tcpKeepAlive = s.tcpKeepAlive;
            tcpUserTimeout = s.tcpUserTimeout;
            sendBufferSize = s.sendBufferSize;
            receiveBufferSize = s.receiveBufferSize;
            writeBufferHighWaterMark = s.writeBufferHighWaterMark;
            maxSessionsPerSource = s.maxSessionsPerSource;
            maxPendingPerSource = s.maxPendingPerSource;
        }

        public Builder transport(String name) { transport = name; return this; }
        public Builder transportOptions(TransportOptions options) { transportOptions = options; return this; }
        public Builder bindAddress(InetSocketAddress address) { bindAddress = address; return this; }
        public Builder bindAddress(String host, int port) { bindAddress = new InetSocketAddress(host, port); return this; }
        public Builder eventLoopThreads(int threads) { eventLoopThreads = threads; return this; }
        public Builder backlog(int value) { backlog = value; return this; }
        public Builder maxPendingConnections(int value) { maxPendingConnections = value; return this; }
        public Builder maxSessions(int value) { maxSessions = value; return this; }
        public Builder sessionRequestTimeout(Duration value) { sessionRequestTimeout = value; return this; }
        public Builder keepAliveInterval(Duration value) { keepAliveInterval = value; return this; }
        public Builder idleTimeout(Duration value) { idleTimeout = value; return this; }
        public Builder writeStallTimeout(Duration value) { writeStallTimeout = value; return this; }
        public Builder maxMessageSize(int value) { maxMessageSize = value; return this; }
        public Builder sessionLimits(SessionLimits value) { sessionLimits = value; return this; }
        public Builder defaultName(NetbiosName name) { defaultName = Optional.ofNullable(name); return this; }
        public Builder smbServerAlias(boolean on) { smbServerAlias = on; return this; }
        public Builder tcpKeepAlive(boolean on) { tcpKeepAlive = on; return this; }
        public Builder tcpUserTimeout(Duration value) { tcpUserTimeout = value; return this; }
        public Builder sendBufferSize(int octets) { sendBufferSize = octets; return this; }
        public Builder receiveBufferSize(int octets) { receiveBufferSize = octets; return this; }
        public Builder writeBufferHighWaterMark(int octets) { writeBufferHighWaterMark = octets; return this; }
        public Builder maxSessionsPerSource(int value) { maxSessionsPerSource = value; return this; }
        public Builder maxPendingPerSource(int value) { maxPendingPerSource = value; return this; }

        /** @throws IllegalArgumentException naming the first setting that is wrong */
        public NetbiosServerSettings build() {
            return new NetbiosServerSettings(transport, transportOptions, bindAddress, eventLoopThreads, backlog,
                    maxPendingConnections, maxSessions, sessionRequestTimeout, keepAliveInterval, idleTimeout, writeStallTimeout, maxMessageSize, sessionLimits,
                    defaultName, smbServerAlias, tcpKeepAlive, tcpUserTimeout, sendBufferSize, receiveBufferSize,
                    writeBufferHighWaterMark, maxSessionsPerSource, maxPendingPerSource);
        }
    }
}
