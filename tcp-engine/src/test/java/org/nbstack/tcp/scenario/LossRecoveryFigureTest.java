package org.nbstack.tcp.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nbstack.tcp.scenario.TwoHosts.MS;
import static org.nbstack.tcp.scenario.TwoHosts.SEC;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.core.TcpCounters;
import org.nbstack.tcp.link.LinkFaults;

/**
 * The loss recovery figure: bulk throughput and retransmission timeouts of one connection over the
 * deterministic simulator at MTU 1500, 1 ms one-way delay, 1% of the packets reordered by up to 1 ms, and
 * 1% or 2% random loss in each direction. Time is the simulator's virtual time, so a seed gives the same
 * figure on any machine and under any load. Writes {@code target/bench/loss-recovery.json}. The
 * assertions are on what a user notices: every byte arrives, exactly, and the stream does not stall on
 * retransmission timeouts (200 ms each) for the losses RACK-TLP repairs (before it: 6.7 RTOs per run at
 * 1% loss, 30.7 at 2%); not on a throughput.
 */
class LossRecoveryFigureTest {
    /** Bytes per run; {@code -Dnbstack.lossfigure.bytes} changes it. */
    private static final long BYTES = Long.getLong("nbstack.lossfigure.bytes", 32L << 20);
    private static final long[] SEEDS = {1, 2, 3};
    private static final double[] LOSSES = {0.01, 0.02};

    record Figure(double loss, long seed, double megabytesPerSecond, long rtos, long fastRecoveries,
            long retransmittedSegments, long segmentsSent, long tlps, long tlpRecoveries, long rackLosses) {
    }

    @Test
    void bulkThroughputUnderRandomLossAtMtu1500() throws IOException {
        List<Figure> figures = new ArrayList<>();
        for (double loss : LOSSES) {
            for (long seed : SEEDS) {
                figures.add(run(loss, seed));
            }
        }
        StringBuilder json = new StringBuilder("[\n");
        for (double loss : LOSSES) {
            List<Figure> at = figures.stream().filter(f -> f.loss == loss).toList();
            double mbps = at.stream().mapToDouble(Figure::megabytesPerSecond).average().orElseThrow();
            double rtos = at.stream().mapToLong(Figure::rtos).average().orElseThrow();
            double perMiB = at.stream().mapToDouble(f -> f.rtos * (double) (1 << 20) / BYTES).average().orElseThrow();
            String p = String.format(Locale.ROOT, "%.0f%%", loss * 100);
            json.append(entry("loss " + p + " bulk goodput (virtual time)", mbps, "MB/s")).append(",\n");
            json.append(entry("loss " + p + " RTOs per run of " + (BYTES >> 20) + " MiB", rtos, "timeouts")).append(",\n");
            json.append(entry("loss " + p + " RTOs per MiB", perMiB, "timeouts/MiB")).append(",\n");
        }
        for (Figure f : figures) {
            json.append(String.format(Locale.ROOT, "  {\"name\": \"run loss=%.2f seed=%d\", \"value\": %.2f, \"unit\": \"MB/s\","
                    + " \"rtos\": %d, \"fastRecoveries\": %d, \"retransmittedSegments\": %d, \"segmentsSent\": %d,"
                    + " \"tlps\": %d, \"tlpRecoveries\": %d, \"rackLosses\": %d},%n", f.loss, f.seed, f.megabytesPerSecond,
                    f.rtos, f.fastRecoveries, f.retransmittedSegments, f.segmentsSent, f.tlps, f.tlpRecoveries, f.rackLosses));
        }
        json.setLength(json.length() - 2);
        json.append("\n]\n");
        Path dir = Path.of("target", "bench");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("loss-recovery.json"), json);
        System.out.print(json);
        long per32MiB = Math.max(1, BYTES >> 25);
        assertThat(figures.stream().filter(f -> f.loss == 0.01).mapToLong(Figure::rtos).sum())
                .as("RTOs at 1%% loss, three runs of %d MiB", BYTES >> 20).isLessThanOrEqualTo(per32MiB);
        assertThat(figures.stream().filter(f -> f.loss == 0.02).mapToLong(Figure::rtos).sum())
                .as("RTOs at 2%% loss, three runs of %d MiB", BYTES >> 20).isLessThanOrEqualTo(3 * per32MiB);
    }

    private static String entry(String name, double value, String unit) {
        return String.format(Locale.ROOT, "  {\"name\": \"%s\", \"value\": %.3f, \"unit\": \"%s\", \"baseline\": null, \"ratio\": null}",
                name, value, unit);
    }

    static LinkFaults link(double loss) {
        return LinkFaults.PERFECT.withMtu(1500).withDelay(MS, 0).withLoss(loss).withReordering(0.01, MS);
    }

    private static Figure run(double loss, long seed) {
        try (TwoHosts h = TwoHosts.of(seed, TcpConfig.DEFAULT, link(loss))) {
            Endpoint receiver = h.newEndpoint("server");
            receiver.closeOnPeerFin = true;
            h.listen(() -> receiver);
            Endpoint sender = h.newEndpoint("client").sending(BYTES);
            sender.closeWhenSent = true;
            h.connect(sender);
            assertThat(h.run(() -> sender.state() != null && sender.state().isSynchronized(),
                    60 * SEC)).isTrue();
            long start = h.world.now();
            boolean done = h.run(() -> receiver.received == BYTES, 100_000 * SEC);
            long elapsed = h.world.now() - start;
            assertThat(done).as(h.describe()).isTrue();
            assertThat(h.run(() -> sender.closed() && receiver.closed(), 1000 * SEC)).as(h.describe()).isTrue();
            assertThat(receiver.receivedExactly(sender)).as("byte-exact").isTrue();
            TcpCounters c = h.client.tcpCounters();
            return new Figure(loss, seed, BYTES / (elapsed / 1e9) / 1e6, c.retransmitTimeouts, c.fastRetransmits,
                    c.retransmittedSegments, c.segmentsSent, c.tlpProbes, c.tlpRecoveries, c.rackLosses);
        }
    }
}
