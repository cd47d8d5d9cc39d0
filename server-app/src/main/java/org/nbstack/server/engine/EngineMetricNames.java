package org.nbstack.server.engine;

import java.util.List;

/**
 * The engine metrics the dashboard relies on, as Prometheus exposes tcp-engine's
 * {@link org.nbstack.tcp.stack.StackMetrics}. One place to adjust when the engine's meters change;
 * {@code EngineMetersTest} checks that the engine exposes each of them, and the dashboard test that the
 * dashboard uses no other engine metric.
 */
public final class EngineMetricNames {

    public static final String CONNECTIONS = "tcp_connections";
    public static final String TIME_WAIT_ENTRIES = "tcp_timewait_entries";
    public static final String TIME_WAIT_LIMIT = "tcp_timewait_limit";
    public static final String TIME_WAIT_OVERFLOWS = "tcp_timewait_overflows_total";
    public static final String SEGMENTS = "tcp_segments_total";
    public static final String RETRANSMITTED_SEGMENTS = "tcp_retransmitted_segments_total";
    public static final String RETRANSMITS = "tcp_retransmits_total";
    public static final String RESETS = "tcp_resets_total";
    public static final String LISTEN_OVERFLOWS = "tcp_listen_overflows_total";
    public static final String CONNECTION_LIMIT_DROPS = "tcp_connection_limit_drops_total";
    public static final String TIMEOUTS = "tcp_timeouts_total";
    public static final String DROPS = "tcp_drops_total";
    public static final String PROBES = "tcp_probes_total";
    public static final String RACK_LOSSES = "tcp_rack_losses_total";
    public static final String TAIL_LOSS_RECOVERIES = "tcp_tail_loss_recoveries_total";
    public static final String DSACKS = "tcp_dsacks_total";
    public static final String SPURIOUS_RTOS = "tcp_spurious_rtos_total";
    public static final String CONGESTION_CONTROL = "tcp_congestion_control";

    public static final List<String> ALL = List.of(CONNECTIONS, TIME_WAIT_ENTRIES, TIME_WAIT_LIMIT, TIME_WAIT_OVERFLOWS, SEGMENTS,
            RETRANSMITTED_SEGMENTS, RETRANSMITS, RESETS, LISTEN_OVERFLOWS, CONNECTION_LIMIT_DROPS, TIMEOUTS, DROPS, PROBES, RACK_LOSSES, TAIL_LOSS_RECOVERIES,
            DSACKS, SPURIOUS_RTOS, CONGESTION_CONTROL);

    /** Every engine metric name starts with this; the dashboard test treats such names as engine metrics. */
    public static final String PREFIX = "tcp_";

    private EngineMetricNames() {
    }
}
