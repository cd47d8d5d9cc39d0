package org.nbstack.server.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.nbstack.server.admin.AdminViews;
import org.nbstack.server.admin.NetstatView;
import org.nbstack.tcp.stack.ConnectionInfo;
import org.nbstack.tcp.stack.StackConfig;
import org.nbstack.tcp.stack.StackMetrics;
import org.nbstack.tcp.stack.TcpStack;
import org.nbstack.tcp.wire.Ipv4;

/** The engine's meters and netstat view over a real engine stack (without the engine transport around it). */
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
            public CompletionStage<List<ConnectionInfo>> netstat() {
                return CompletableFuture.completedFuture(stack.netstat());
            }

            @Override
            public Collection<TcpStack> stacks() {
                return List.of(stack);
            }
        };
    }

    @Test
    void everyEngineMetricTheDashboardUsesIsExposedByTheEngine() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        EngineIntrospection engine = listeningStack();
        StackMetrics meters = new StackMetrics(engine::stacks);
        meters.bindTo(registry);
        String exposition = registry.scrape();
        java.lang.ref.Reference.reachabilityFence(meters);

        for (String name : EngineMetricNames.ALL) {
            assertThat(exposition).as(name).containsPattern("(?m)^" + name + "[{ ]");
        }
        assertThat(exposition).contains(EngineMetricNames.TIME_WAIT_LIMIT + " 128.0");
    }

    @Test
    void netstatShowsTheListenerAsNetstatDoes() {
        List<ConnectionInfo> rows = listeningStack().netstat().toCompletableFuture().join();
        String text = AdminViews.netstatText(new NetstatView(true, "test", rows));
        assertThat(text).containsPattern("^Proto +Recv-Q +Send-Q +Local Address +Foreign Address +State +Timer +Congestion\n")
                .containsPattern("tcp +0 +0 10\\.139\\.0\\.1:139 +0\\.0\\.0\\.0:\\* +LISTEN +off \\(0\\.00/0/0\\) +-\n");
    }
}
