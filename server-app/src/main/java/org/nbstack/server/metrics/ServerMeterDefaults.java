package org.nbstack.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import org.nbstack.netbios.codec.NbssProtocolException;
import org.nbstack.netbios.session.SessionCloseReason;

/**
 * Registers, at zero, the per-reason counters the session service creates only at their first event, so that a
 * dashboard shows 0 rather than "No data" and {@code increase()} sees the first event. Name, description and tags are
 * those of the session service's own meters, so its increments land on these counters.
 */
public final class ServerMeterDefaults {

    private static final String SIDE = "server";

    private ServerMeterDefaults() {
    }

    /** @param registry a listener's view of the server's registry */
    public static void bindZeroCounters(MeterRegistry registry) {
        for (SessionCloseReason reason : SessionCloseReason.values()) {
            Counter.builder("netbios.sessions.closed").description("Sessions ended, by reason (write_stall, keepalive_failed and idle are aborts)")
                    .tags("side", SIDE, "reason", reason.tag()).register(registry);
        }
        for (NbssProtocolException.Reason reason : NbssProtocolException.Reason.values()) {
            Counter.builder("netbios.protocol.errors").description("Connections closed for breaking the protocol, by reason")
                    .tags("side", SIDE, "reason", reason.name().toLowerCase(Locale.ROOT)).register(registry);
        }
    }
}
