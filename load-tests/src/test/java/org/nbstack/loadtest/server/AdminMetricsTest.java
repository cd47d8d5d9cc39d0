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
