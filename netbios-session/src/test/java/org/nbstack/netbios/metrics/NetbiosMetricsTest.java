package org.nbstack.netbios.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What an operator reading a dashboard relies on: names, units, descriptions and few tag values. */
class NetbiosMetricsTest {

    @Test
    void everyMeterIsDottedLowerCaseDescribedAndLowCardinality() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        NetbiosMetrics metrics = new NetbiosMetrics(registry, "server");
        metrics.bindSessionGauges(() -> 3, () -> new NetbiosMetrics.QueueTotals(1, 10, 2, 20));
        metrics.sessionEstablished(Duration.ofMillis(5));
        metrics.negativeResponse("0x82");
        metrics.retarget();
        metrics.keepAliveSent();
        metrics.keepAliveReceived();
        metrics.messageIn(100);
        metrics.messageOut(200);
        metrics.drop("queue_full");
        metrics.stallDetected();
        metrics.sessionClosed("write_stall");
        metrics.protocolError("message_too_large");
        metrics.bindPendingGauge(() -> 7);
        metrics.requestTimedOut();
        metrics.connectionRejected("pending_full");

        assertThat(registry.getMeters()).hasSizeGreaterThanOrEqualTo(20).allSatisfy(meter -> {
            Meter.Id id = meter.getId();
            assertThat(id.getName()).matches("netbios(\\.[a-z]+)+");
            assertThat(id.getDescription()).as(id.getName()).isNotBlank();
            assertThat(id.getTags()).extracting(Tag::getKey).isSubsetOf(Set.of("side", "code", "reason", "direction"));
        });
        assertThat(registry.find("netbios.bytes.in").counter().getId().getBaseUnit()).isEqualTo("bytes");
        assertThat(registry.find("netbios.sessions.active").gauge().value()).isEqualTo(3);
        assertThat(registry.find("netbios.session.queue.depth").tag("direction", "outbound").gauge().value()).isEqualTo(2);
        assertThat(registry.find("netbios.session.queue.bytes").tag("direction", "inbound").gauge().value()).isEqualTo(10);
        assertThat(registry.find("netbios.session.setup").timer().count()).isEqualTo(1);
        assertThat(registry.find("netbios.connections.pending").gauge().value()).isEqualTo(7);
        assertThat(registry.find("netbios.requests.timedout").counter().count()).isEqualTo(1);
        assertThat(registry.find("netbios.connections.rejected").tag("reason", "pending_full").counter().count()).isEqualTo(1);
    }

    @Test
    void dropAndRejectionCountersExistAtZeroBeforeTheFirstEvent() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        NetbiosMetrics metrics = new NetbiosMetrics(registry, "server");

        for (String reason : List.of("queue_full", "too_large", "session_closed", "no_subscriber")) {
            assertThat(registry.find("netbios.messages.dropped").tag("reason", reason).counter())
                    .as("drop reason " + reason).isNotNull().extracting(c -> c.count()).isEqualTo(0.0);
        }
        assertThat(registry.find("netbios.connections.rejected").tag("reason", "pending_full").counter().count()).isZero();

        metrics.drop("queue_full");
        assertThat(registry.find("netbios.messages.dropped").tag("reason", "queue_full").counters())
                .as("the pre-registered counter is the one that counts").hasSize(1)
                .allSatisfy(c -> assertThat(c.count()).isEqualTo(1.0));
    }

    @Test
    void gaugesKeepReadingAfterGarbageCollection() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        NetbiosMetrics metrics = new NetbiosMetrics(registry, "server");
        // Capturing method references that nothing but the registry holds, as a server's are.
        AtomicInteger sessions = new AtomicInteger(3);
        AtomicInteger pending = new AtomicInteger(7);
        NetbiosMetrics.QueueTotals totals = new NetbiosMetrics.QueueTotals(1, 10, 2, 20);
        metrics.bindSessionGauges(sessions::get, List.of(totals)::getFirst);
        metrics.bindPendingGauge(pending::get);
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        assertThat(registry.find("netbios.sessions.active").gauge().value()).isEqualTo(3);
        assertThat(registry.find("netbios.session.queue.depth").tag("direction", "outbound").gauge().value()).isEqualTo(2);
        assertThat(registry.find("netbios.connections.pending").gauge().value()).isEqualTo(7);
    }
}
