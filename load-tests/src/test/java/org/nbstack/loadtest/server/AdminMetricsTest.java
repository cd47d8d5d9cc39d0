package org.nbstack.loadtest.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AdminMetricsTest {

    @Test
    void sumsTheSynSeriesOfTheRetransmitCounterWithOrWithoutAPrefix() {
        String text = """
                # HELP tcp_retransmits_total Segments retransmitted
                # TYPE tcp_retransmits_total counter
                tcp_retransmits_total{kind="data",shard="0"} 12.0
                tcp_retransmits_total{kind="syn",shard="0"} 2.0
                engine_tcp_retransmits_total{shard="1",kind="syn"} 1.0
                tcp_retransmits_total_created{kind="syn"} 1.7E9
                """;
        assertThat(AdminMetrics.synRetransmissions(text)).contains(3L);
    }

    @Test
    void readsTheEngineCountersOfAServeProcess() {
        String text = """
                tcp_retransmits_total{kind="syn",listener="loadtest"} 29.0
                tcp_retransmits_total{kind="timeout",listener="loadtest"} 34.0
                tcp_retransmits_total{kind="fast",listener="loadtest"} 2.0
                tcp_retransmitted_segments_total{listener="loadtest"} 5.0
                tcp_duplicate_acks_total{listener="loadtest"} 34.0
                tcp_drops_total{listener="loadtest",reason="bad_tcp_checksum"} 1.0
                tcp_drops_total{listener="loadtest",reason="not_local_address"} 2.0
                tcp_listen_overflows_total{listener="loadtest",queue="syn"} 4.0
                tcp_listen_overflows_total{listener="loadtest",queue="accept"} 1.0
                tcp_connection_limit_drops_total{listener="loadtest"} 0.0
                """;
        assertThat(AdminMetrics.engineCounters(text)).contains(new EngineCounters(29, 34, 5, 34, 3, 0, 5));
        assertThat(AdminMetrics.engineCounters("netbios_sessions_active{side=\"server\"} 4.0\n")).isEmpty();
    }

    @Test
    void isEmptyWhenTheServerHasNoSuchCounter() {
        assertThat(AdminMetrics.synRetransmissions("netbios_sessions_active{side=\"server\"} 4.0\n")).isEmpty();
    }

    @Test
    void serveConfigurationHasOneListenerOnTheTargetAndTheTuning() {
        String config = NbstackServeProcess.config(org.nbstack.loadtest.targets.LoadTargets.named("engine-udp"),
                ServerTuning.FAST_STALL_DETECTION, 1, 139, 9999);
        assertThat(config).contains("transport = engine", "bind = \"10.139.0.1:139\"", "addresses = \"10.139.0.1\"",
                "link = \"udp://127.0.0.1:", "write-stall-timeout = 2000ms", "send-buffer = 8192", "admin.bind = \"127.0.0.1:9999\"",
                "engine.enabled = false", "kernel.enabled = false");
    }
}
