package org.nbstack.tcp.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nbstack.tcp.sim.RawPacket.A;
import static org.nbstack.tcp.sim.RawPacket.B;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.link.LinkFaults;

/**
 * How many packet deliveries per second of wall time the simulator sustains: a benchmark, not a timed test.
 * It writes its figure to target/bench/sim-throughput.json and never fails on a time. Heap packets, which
 * the leak detector does not track, so the figure is the simulator's and not PARANOID detection's.
 */
class SimThroughputBenchTest {
    private static final int IN_FLIGHT = 64;
    private static final long DELIVERIES = 2_000_000;

    @Test
    void echoPingPongOverAFaultyLink() throws IOException {
        // No loss, so that the packets in flight keep circulating; jitter and reordering keep the heap busy.
        LinkFaults link = LinkFaults.PERFECT.withDelay(50_000, 10_000).withReordering(0.01, 100_000);
        try (SimWorld world = SimWorld.builder(1).defaultLink(link).build()) {
            Reflector a = world.addNode("A", Reflector::new, A);
            world.addNode("B", EchoNode::new, B);
            for (int i = 0; i < IN_FLIGHT; i++) {
                a.out.send(RawPacket.untracked(A, B, i, 1500));
            }
            runUntilDelivered(world, DELIVERIES / 10);
            long start = System.nanoTime();
            long before = world.totals().delivered();
            runUntilDelivered(world, before + DELIVERIES);
            long elapsed = System.nanoTime() - start;
            long delivered = world.totals().delivered() - before;
            double perSecond = delivered * 1e9 / elapsed;
            writeFigure("sim.echo.deliveries_per_second", perSecond, "deliveries/s");
            assertThat(delivered).isGreaterThanOrEqualTo(DELIVERIES);
        }
    }

    private static void runUntilDelivered(SimWorld world, long deliveries) {
        SimLinkCounters there = world.link("A", "B").counters();
        SimLinkCounters back = world.link("B", "A").counters();
        assertThat(world.runUntil(() -> there.delivered() + back.delivered() >= deliveries, Long.MAX_VALUE)).isTrue();
    }

    private static void writeFigure(String name, double value, String unit) throws IOException {
        Path dir = Path.of("target", "bench");
        Files.createDirectories(dir);
        String json = String.format(Locale.ROOT,
                "{\"name\": \"%s\", \"value\": %.0f, \"unit\": \"%s\", \"baseline\": null, \"ratio\": null}%n", name, value, unit);
        Files.writeString(dir.resolve("sim-throughput.json"), json);
        System.out.print(json);
    }

    /** Sends every packet that comes back out again. */
    static final class Reflector extends CountingNode {
        Reflector(SimPacketOutput out) {
            super(out);
        }

        @Override
        public void receive(long nowNanos, ByteBuf ipPacket) {
            int at = ipPacket.readerIndex();
            int src = ipPacket.getInt(at + 12);
            ipPacket.setInt(at + 12, ipPacket.getInt(at + 16));
            ipPacket.setInt(at + 16, src);
            out.send(ipPacket);
        }
    }
}
