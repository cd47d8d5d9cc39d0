package org.nbstack.server.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.nbstack.server.admin.AdminViews;
import org.nbstack.server.admin.NetstatView;
import org.nbstack.tcp.stack.StackConfig;
import org.nbstack.tcp.stack.TcpStack;
import org.nbstack.tcp.wire.Ipv4;

/** The engine meters and netstat view over a real engine stack (without the engine transport around it). */
class EngineMetersTest {

    static final int ADDRESS = Ipv4.parse("10.139.0.1");

    /** A stack with one listener on 10.139.0.1:139, introspected the way the engine transport will be. */
    static EngineIntrospection listeningStack() {
        TcpStack stack = new TcpStack(StackConfig.of(ADDRESS).withTimeWaitLimit(128), packet -> packet.release(),
                UnpooledByteBufAllocator.DEFAULT, System::nanoTime);
        stack.listen(ADDRESS, 139, 16, listener -> { });
        return new EngineIntrospection() {
            @Override
            public String description() {
                return "test stack 10.139.0.1";
            }

            @Override
            public CompletionStage<EngineSnapshot> snapshot() {
                return CompletableFuture.completedFuture(EngineSnapshot.merge(List.of(EngineSnapshot.of(stack))));
            }
        };
    }

    @Test
    void everyEngineMetricTheDashboardUsesIsExposed() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        EngineMeters meters = new EngineMeters(new EngineSnapshotCache(listeningStack(), Duration.ofSeconds(1)));
        meters.bindTo(registry);
        String exposition = registry.scrape();
        java.lang.ref.Reference.reachabilityFence(meters);

        for (String name : EngineMetricNames.ALL) {
            assertThat(exposition).as(name).containsPattern("(?m)^" + name + "[{ ]");
        }
        assertThat(exposition).contains("engine_tcp_connections{state=\"LISTEN\"} 1.0")
                .contains("engine_tcp_time_wait_limit 128.0")
                .contains("engine_packets_dropped_total{reason=\"bad_tcp_checksum\"} 0.0");
    }

    @Test
    void netstatShowsTheListenerAsNetstatDoes() {
        EngineSnapshot snapshot = listeningStack().snapshot().toCompletableFuture().join();
        String text = AdminViews.netstatText(new NetstatView(true, "test", snapshot.connections()));
        assertThat(text).containsPattern("^Proto +Recv-Q +Send-Q +Local Address +Foreign Address +State +Timer\n")
                .containsPattern("tcp +0 +0 10\\.139\\.0\\.1:139 +0\\.0\\.0\\.0:\\* +LISTEN +off \\(0\\.00/0/0\\)");
    }

    @Test
    void counterNamesFollowTheEnginesFieldNames() {
        assertThat(EngineMeters.dotted("retransmittedSegments")).isEqualTo("retransmitted.segments");
        assertThat(EngineMeters.dotted("finWait2Timeouts")).isEqualTo("fin.wait2.timeouts");
    }
}
