package org.nbstack.server.engine;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Locale;
import org.nbstack.tcp.core.TcpCounters;
import org.nbstack.tcp.core.TcpState;
import org.nbstack.tcp.stack.StackCounters;
import org.nbstack.tcp.wire.DropReason;

/**
 * The engine's meters, read from {@link EngineSnapshotCache}: connections by state, the TIME_WAIT table's use
 * and bound, every TCP and stack counter ({@code retransmittedSegments} becomes
 * {@code engine.tcp.retransmitted.segments}, {@code engine_tcp_retransmitted_segments_total} in Prometheus) and
 * dropped packets by reason. Function counters hold the cache weakly: whoever binds these meters keeps this
 * object for as long as they should count. The names the dashboard relies on are listed in {@link EngineMetricNames}.
 */
public final class EngineMeters implements MeterBinder {

    private final EngineSnapshotCache cache;

    public EngineMeters(EngineSnapshotCache cache) {
        this.cache = cache;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (TcpState state : TcpState.values()) {
            Gauge.builder("engine.tcp.connections", cache, c -> c.current().states().get(state)).strongReference(true)
                    .description("Engine connections by state (LISTEN counts listeners)")
                    .tag("state", state.netstatName()).register(registry);
        }
        Gauge.builder("engine.tcp.time.wait.entries", cache, c -> c.current().timeWaitEntries()).strongReference(true)
                .description("Connections in the engine's TIME_WAIT table").register(registry);
        Gauge.builder("engine.tcp.time.wait.limit", cache, c -> c.current().timeWaitLimit()).strongReference(true)
                .description("Bound of the TIME_WAIT table; beyond it a closing connection skips TIME_WAIT").register(registry);
        for (Class<?> counters : new Class<?>[] {TcpCounters.class, StackCounters.class}) {
            for (Field field : counters.getFields()) {
                if (field.getType() == long.class && !Modifier.isStatic(field.getModifiers())) {
                    String name = field.getName();
                    FunctionCounter.builder("engine.tcp." + dotted(name), cache, c -> c.current().counter(name))
                            .description("Engine counter " + name).register(registry);
                }
            }
        }
        for (DropReason reason : DropReason.values()) {
            FunctionCounter.builder("engine.packets.dropped", cache, c -> c.current().drops().getOrDefault(reason, 0L))
                    .description("Packets the engine dropped before they reached a connection, by reason")
                    .tag("reason", reason.tag()).register(registry);
        }
    }

    /** {@code retransmittedSegments} -> {@code retransmitted.segments}; {@code finWait2Timeouts} -> {@code fin.wait2.timeouts}. */
    static String dotted(String camelCase) {
        StringBuilder out = new StringBuilder();
        for (char c : camelCase.toCharArray()) {
            if (Character.isUpperCase(c)) {
                out.append('.').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
