package org.nbstack.server.engine;

import java.util.List;

/**
 * The engine metrics the dashboard and the alerting rules rely on, as Prometheus exposes them. One place to
 * adjust when the engine's meters change; {@code EngineMetersTest} checks that {@link EngineMeters} exposes each
 * of them, and the dashboard test that the dashboard uses no other engine metric.
 */
public final class EngineMetricNames {

    public static final String CONNECTIONS = "engine_tcp_connections";
    public static final String TIME_WAIT_ENTRIES = "engine_tcp_time_wait_entries";
    public static final String TIME_WAIT_LIMIT = "engine_tcp_time_wait_limit";
    public static final String TIME_WAIT_OVERFLOWS = "engine_tcp_time_wait_overflows_total";
    public static final String SEGMENTS_SENT = "engine_tcp_segments_sent_total";
    public static final String SEGMENTS_RECEIVED = "engine_tcp_segments_received_total";
    public static final String RETRANSMITTED_SEGMENTS = "engine_tcp_retransmitted_segments_total";
    public static final String RETRANSMIT_TIMEOUTS = "engine_tcp_retransmit_timeouts_total";
    public static final String FAST_RETRANSMITS = "engine_tcp_fast_retransmits_total";
    public static final String FIN_RETRANSMITS = "engine_tcp_fin_retransmits_total";
    public static final String RESETS_SENT = "engine_tcp_resets_sent_total";
    public static final String RESETS_RECEIVED = "engine_tcp_resets_received_total";
    public static final String SYN_QUEUE_OVERFLOWS = "engine_tcp_syn_queue_overflows_total";
    public static final String ACCEPT_QUEUE_OVERFLOWS = "engine_tcp_accept_queue_overflows_total";
    public static final String ORPHAN_RETRIES_EXHAUSTED = "engine_tcp_orphan_retries_exhausted_total";
    public static final String FIN_WAIT2_TIMEOUTS = "engine_tcp_fin_wait2_timeouts_total";
    public static final String PACKETS_DROPPED = "engine_packets_dropped_total";

    public static final List<String> ALL = List.of(CONNECTIONS, TIME_WAIT_ENTRIES, TIME_WAIT_LIMIT, TIME_WAIT_OVERFLOWS,
            SEGMENTS_SENT, SEGMENTS_RECEIVED, RETRANSMITTED_SEGMENTS, RETRANSMIT_TIMEOUTS, FAST_RETRANSMITS, FIN_RETRANSMITS,
            RESETS_SENT, RESETS_RECEIVED, SYN_QUEUE_OVERFLOWS, ACCEPT_QUEUE_OVERFLOWS, ORPHAN_RETRIES_EXHAUSTED,
            FIN_WAIT2_TIMEOUTS, PACKETS_DROPPED);

    /** Every engine metric name starts with this; the dashboard test treats such names as engine metrics. */
    public static final String PREFIX = "engine_";

    private EngineMetricNames() {
    }
}
