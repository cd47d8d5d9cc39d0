package org.nbstack.loadtest.server;

import java.time.Duration;
import org.nbstack.netbios.server.NetbiosServerSettings;
import org.nbstack.netbios.session.OverflowPolicy;
import org.nbstack.netbios.session.SessionLimits;

/** The server settings a simulation needs, for an in-JVM server and for the HOCON config of {@code bin/nbstack serve}. */
public enum ServerTuning {

    /** The defaults, with room for a few thousand sessions and no keep-alive traffic mixed into the latencies. */
    STANDARD(Duration.ofSeconds(30), 0, SessionLimits.DEFAULT),

    /**
     * Seed 004 (Q186873): small socket buffers and short queues so that a client that stops reading stalls the
     * server's writes within a second, and a 2 s write-stall timeout that tears such sessions down.
     */
    FAST_STALL_DETECTION(Duration.ofSeconds(2), 8 * 1024,
            new SessionLimits(64, 256 * 1024, 32, 128 * 1024, 384 * 1024, OverflowPolicy.DROP_NEWEST));

    private final Duration writeStallTimeout;
    private final int sendBufferSize;
    private final SessionLimits sessionLimits;

    ServerTuning(Duration writeStallTimeout, int sendBufferSize, SessionLimits sessionLimits) {
        this.writeStallTimeout = writeStallTimeout;
        this.sendBufferSize = sendBufferSize;
        this.sessionLimits = sessionLimits;
    }

    public Duration writeStallTimeout() {
        return writeStallTimeout;
    }

    NetbiosServerSettings.Builder applyTo(NetbiosServerSettings.Builder builder) {
        // Every virtual user connects from the load generator's one address: no per-address limits.
        return builder.maxSessions(0).maxSessionsPerSource(0).maxPendingPerSource(0).backlog(1024).keepAliveInterval(Duration.ZERO).writeStallTimeout(writeStallTimeout)
                .sendBufferSize(sendBufferSize).sessionLimits(sessionLimits);
    }

    /** The same settings as keys of {@code nbstack.netbios} in the server's HOCON configuration. */
    String hocon() {
        return """
                    max-sessions = 0
                    max-sessions-per-source = 0
                    max-pending-per-source = 0
                    backlog = 1024
                    keep-alive-interval = 0s
                    write-stall-timeout = %dms
                    send-buffer = %d
                    session {
                      inbound-max-messages = %d
                      inbound-max-bytes = %d
                      outbound-max-messages = %d
                      outbound-max-bytes = %d
                      memory-budget = %d
                      overflow-policy = drop-newest
                    }
                """.formatted(writeStallTimeout.toMillis(), sendBufferSize, sessionLimits.inboundMaxMessages(),
                sessionLimits.inboundMaxBytes(), sessionLimits.outboundMaxMessages(), sessionLimits.outboundMaxBytes(),
                sessionLimits.memoryBudgetBytes());
    }
}
