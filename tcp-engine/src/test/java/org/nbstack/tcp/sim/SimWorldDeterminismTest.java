package org.nbstack.tcp.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nbstack.tcp.sim.RawPacket.A;
import static org.nbstack.tcp.sim.RawPacket.B;
import static org.nbstack.tcp.sim.RawPacket.C;
import static org.nbstack.tcp.sim.RawPacket.D;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.link.LinkFaults;

/** A seed replays exactly; another seed gives another run; tracing and unrelated traffic change nothing. */
class SimWorldDeterminismTest {
    private static final long MS = 1_000_000L;
    private static final LinkFaults EVERYTHING = LinkFaults.PERFECT
            .withDelay(2 * MS, MS).withLoss(0.05).withDuplication(0.05).withReordering(0.1, 3 * MS)
            .withCorruption(0.02).withBandwidth(2_000_000, 30);

    @Test
    void theSameSeedReplaysTheSameTraceAndCounters() {
        Run first = run(7, true, false);
        Run second = run(7, true, false);
        assertThat(first.trace).hasSizeGreaterThan(3_000);
        assertThat(second.trace).isEqualTo(first.trace);
        assertThat(second.counters).isEqualTo(first.counters);
        assertThat(second.arrivals).isEqualTo(first.arrivals);
    }

    @Test
    void differentSeedsGiveDifferentRuns() {
        Run seven = run(7, true, false);
        Run eight = run(8, true, false);
        assertThat(eight.trace).isNotEqualTo(seven.trace);
        assertThat(eight.counters).isNotEqualTo(seven.counters);
        assertThat(eight.arrivals).isNotEqualTo(seven.arrivals);
    }

    @Test
    void tracingDoesNotChangeTheRun() {
        Run traced = run(9, true, false);
        Run untraced = run(9, false, false);
        assertThat(untraced.counters).isEqualTo(traced.counters);
        assertThat(untraced.arrivals).isEqualTo(traced.arrivals);
    }

    @Test
    void trafficBetweenOtherNodesDoesNotShiftALinksFaults() {
        Run alone = run(10, false, false);
        Run crowded = run(10, false, true);
        assertThat(crowded.arrivals).isEqualTo(alone.arrivals);
    }

    /** A and B exchange 1000 packets each way over a faulty link (C sends to D too when {@code crowded}). */
    private static Run run(long seed, boolean traced, boolean crowded) {
        SimTrace trace = traced ? SimTrace.inMemory(100_000) : null;
        try (SimWorld world = SimWorld.builder(seed).defaultLink(EVERYTHING).trace(trace)
                .packetFormatter(RawPacket.FORMAT).build()) {
            CountingNode a = world.addNode("A", CountingNode::new, A);
            CountingNode b = world.addNode("B", CountingNode::new, B);
            CountingNode c = world.addNode("C", CountingNode::new, C);
            world.addNode("D", CountingNode::new, D);
            for (int i = 0; i < 1000; i++) {
                a.send(RawPacket.of(A, B, i));
                b.send(RawPacket.of(B, A, i));
                if (crowded) {
                    c.send(RawPacket.of(C, D, i));
                }
                world.runFor(MS / 4);
            }
            world.runFor(100 * MS);
            List<String> arrivals = new ArrayList<>();
            for (int i = 0; i < b.received(); i++) {
                arrivals.add(b.times.get(i) + ":" + b.ids.get(i));
            }
            for (int i = 0; i < a.received(); i++) {
                arrivals.add(a.times.get(i) + ":" + a.ids.get(i));
            }
            String counters = world.link("A", "B").counters() + " / " + world.link("B", "A").counters();
            return new Run(trace == null ? List.of() : trace.tail(), counters, arrivals);
        }
    }

    private record Run(List<String> trace, String counters, List<String> arrivals) {
    }
}
