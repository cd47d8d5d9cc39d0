package org.nbstack.tcp.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.lang.ref.WeakReference;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.wire.Ipv4;

/** What an operator's dashboard reads: connection states, TIME_WAIT table, resets. */
class StackMetricsTest {
    private static final int LOCALHOST = Ipv4.parse("127.0.0.1");

    @Test
    void metersFollowTheStacksStateAndEveryMeterHasADescription() {
        long[] now = {1_000_000_000L};
        TcpStack stack = new TcpStack(StackConfig.of(LOCALHOST).withSecretSeed(3), p -> p.release(),
                UnpooledByteBufAllocator.DEFAULT, () -> now[0]);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new StackMetrics(() -> List.of(stack)).bindTo(registry);
        try {
            stack.listen(0, 139, 8, l -> {
                StackConnection c;
                while ((c = l.poll()) != null) {
                    c.setHandler(new StackLoopbackTest.Recorder());
                }
            });
            StackConnection client = stack.connect(0, 0, LOCALHOST, 139, TcpConfig.DEFAULT, new StackLoopbackTest.Recorder());
            assertThat(registry.get("tcp.connections").tag("state", "ESTABLISHED").gauge().value()).isEqualTo(2);
            client.close();
            assertThat(registry.get("tcp.connections").tag("state", "FIN_WAIT2").gauge().value()).isEqualTo(1);
            assertThat(registry.get("tcp.connections").tag("state", "CLOSE_WAIT").gauge().value()).isEqualTo(1);
            stack.connect(0, 0, LOCALHOST, 445, TcpConfig.DEFAULT, new StackLoopbackTest.Recorder());
            assertThat(registry.get("tcp.resets.unknown").functionCounter().count()).isEqualTo(1);
            assertThat(registry.get("tcp.opens").tag("side", "active").functionCounter().count()).isEqualTo(2);
            for (Meter m : registry.getMeters()) {
                assertThat(m.getId().getDescription()).as(m.getId().getName()).isNotBlank();
            }
        } finally {
            stack.close();
        }
    }

    @Test
    void ipMetersStillReadTheCountersAfterAGarbageCollection() {
        TcpStack stack = new TcpStack(StackConfig.of(LOCALHOST).withSecretSeed(3), p -> p.release(),
                UnpooledByteBufAllocator.DEFAULT, () -> 0L);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        StackMetrics metrics = new StackMetrics(() -> List.of(stack));
        metrics.bindTo(registry);
        try {
            // Micrometer keeps a function meter's state only weakly: what the binder does not hold is gone after a
            // collection (a full GC clears every weak reference to weakly reachable objects at once).
            WeakReference<Object> sentinel = new WeakReference<>(new Object());
            while (sentinel.get() != null) {
                System.gc();
            }
            stack.ipInput().counters().echoRepliesSent = 7;
            assertThat(registry.get("ip.icmp.echo").tag("kind", "reply").functionCounter().count()).isEqualTo(7);
            assertThat(metrics).isNotNull(); // the server holds its StackMetrics as long as the listener runs
        } finally {
            stack.close();
        }
    }
}
