package org.nbstack.tcp.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nbstack.tcp.sim.RawPacket.A;
import static org.nbstack.tcp.sim.RawPacket.B;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.link.LinkFaults;

/** Delay, jitter, reordering, bandwidth with its queue, and MTU, as a receiver sees them. */
class SimLinkTimingTest {
    private static final long US = 1_000L;
    private static final long MS = 1_000_000L;

    @Test
    void latencyIsTheDelayPlusJitterDrawnAcrossItsWholeRange() {
        LinkFaults link = LinkFaults.PERFECT.withDelay(5 * MS, 2 * MS);
        try (SimWorld world = SimWorld.builder(21).defaultLink(link).build()) {
            CountingNode a = world.addNode("A", CountingNode::new, A);
            CountingNode b = world.addNode("B", CountingNode::new, B);
            int packets = 2_000;
            // Packets further apart than the jitter, so that none waits for the one before it.
            long gap = 3 * MS;
            sendEvery(world, a, packets, gap);
            assertThat(b.received()).isEqualTo(packets);
            List<Long> latencies = new ArrayList<>();
            for (int i = 0; i < packets; i++) {
                latencies.add(b.times.get(i) - b.ids.get(i) * gap);
            }
            assertThat(latencies).allMatch(l -> l >= 5 * MS && l <= 7 * MS);
            assertThat(latencies).anyMatch(l -> l < 5 * MS + 50 * US).anyMatch(l -> l > 7 * MS - 50 * US)
                    .anyMatch(l -> l > 6 * MS - 50 * US && l < 6 * MS + 50 * US);
        }
    }

    @Test
    void jitterAloneNeverReordersPackets() {
        LinkFaults link = LinkFaults.PERFECT.withDelay(5 * MS, 2 * MS);
        try (SimWorld world = SimWorld.builder(21).defaultLink(link).build()) {
            CountingNode a = world.addNode("A", CountingNode::new, A);
            CountingNode b = world.addNode("B", CountingNode::new, B);
            int packets = 10_000;
            long gap = 100 * US;
            sendEvery(world, a, packets, gap);
            assertThat(b.received()).isEqualTo(packets);
            for (int i = 0; i < packets; i++) {
                assertThat(b.ids.get(i)).as("arrival %d", i).isEqualTo(i);
                assertThat(b.times.get(i) - i * gap).isBetween(5 * MS, 7 * MS);
            }
        }
    }

    @Test
    void reorderingLetsLaterPacketsOvertakeTheDelayedOnes() {
        LinkFaults link = LinkFaults.PERFECT.withDelay(2 * MS, 0).withReordering(0.05, 3 * MS);
        try (SimWorld world = SimWorld.builder(22).defaultLink(link).build()) {
            CountingNode a = world.addNode("A", CountingNode::new, A);
            CountingNode b = world.addNode("B", CountingNode::new, B);
            int packets = 20_000;
            long gap = 100 * US;
            sendEvery(world, a, packets, gap);
            SimLinkCounters c = world.link("A", "B").counters();
            assertThat(b.received()).isEqualTo(packets);
            SimLinkFaultsTest.assertWithinBinomialBounds(c.reordered(), packets, 0.05);
            int overtaken = 0;
            long highest = -1;
            int late = 0;
            for (int i = 0; i < packets; i++) {
                long id = b.ids.get(i);
                if (id < highest) {
                    overtaken++;
                }
                highest = Math.max(highest, id);
                long latency = b.times.get(i) - id * gap;
                assertThat(latency).isBetween(2 * MS, 5 * MS);
                if (latency > 2 * MS) {
                    late++;
                }
            }
            assertThat(late).isEqualTo(c.reordered());
            // A packet held back by up to 3 ms is overtaken by those sent 0.1 ms after it, unless its extra delay is tiny.
            assertThat(overtaken).isGreaterThan((int) (c.reordered() * 0.9));
        }
    }

    @Test
    void bandwidthSerializesPacketsAndAFullQueueDropsTheTail() {
        // 1000-byte packets at 1 MB/s: 1 ms each on the wire, then 2 ms of propagation.
        LinkFaults link = LinkFaults.PERFECT.withDelay(2 * MS, 0).withBandwidth(1_000_000, 5);
        try (SimWorld world = SimWorld.builder(23).defaultLink(link).build()) {
            CountingNode a = world.addNode("A", CountingNode::new, A);
            CountingNode b = world.addNode("B", CountingNode::new, B);
            for (int i = 0; i < 8; i++) {
                a.send(RawPacket.of(A, B, i, 1000));
            }
            world.runFor(2 * MS + 500 * US);
            // Two have left the queue by now, so two more fit.
            a.send(RawPacket.of(A, B, 8, 1000));
            a.send(RawPacket.of(A, B, 9, 1000));
            a.send(RawPacket.of(A, B, 10, 1000));
            world.runFor(20 * MS);
            SimLinkCounters c = world.link("A", "B").counters();
            assertThat(b.ids).containsExactly(0L, 1L, 2L, 3L, 4L, 8L, 9L);
            assertThat(b.times).containsExactly(3 * MS, 4 * MS, 5 * MS, 6 * MS, 7 * MS, 8 * MS, 9 * MS);
            assertThat(c.droppedQueueFull()).isEqualTo(4);
            assertThat(c.accountedFor()).isTrue();
        }
    }

    @Test
    void aSaturatedLinkCarriesItsBandwidthAndNoMore() {
        LinkFaults link = LinkFaults.PERFECT.withBandwidth(10_000_000, 100);
        try (SimWorld world = SimWorld.builder(24).defaultLink(link).build()) {
            CountingNode a = world.addNode("A", CountingNode::new, A);
            CountingNode b = world.addNode("B", CountingNode::new, B);
            // Offer 1500-byte packets at 20 MB/s for one second.
            for (int i = 0; i < 13_333; i++) {
                a.send(RawPacket.untracked(A, B, i, 1500));
                world.runFor(75 * US);
            }
            long deliveredInTheSecond = world.link("A", "B").counters().bytesDelivered();
            assertThat(deliveredInTheSecond).isBetween(9_900_000L, 10_000_000L);
            assertThat(world.link("A", "B").counters().droppedQueueFull()).isPositive();
            world.runFor(MS);
            List<Long> gaps = new ArrayList<>();
            for (int i = 1; i < b.times.size(); i++) {
                gaps.add(b.times.get(i) - b.times.get(i - 1));
            }
            assertThat(gaps).allMatch(g -> g >= 150 * US);
        }
    }

    @Test
    void packetsLargerThanTheMtuAreDroppedAndCounted() {
        try (SimWorld world = SimWorld.builder(25).defaultLink(LinkFaults.PERFECT.withMtu(1000)).build()) {
            CountingNode a = world.addNode("A", CountingNode::new, A);
            CountingNode b = world.addNode("B", CountingNode::new, B);
            a.send(RawPacket.of(A, B, 1, 1000));
            a.send(RawPacket.of(A, B, 2, 1001));
            a.send(RawPacket.of(A, B, 3, 64));
            world.runFor(MS);
            assertThat(b.ids).containsExactly(1L, 3L);
            assertThat(world.link("A", "B").counters().droppedMtu()).isEqualTo(1);
        }
    }

    @Test
    void theDefaultMtuIsEthernets() {
        assertThat(LinkFaults.PERFECT.mtu()).isEqualTo(1500);
    }

    @Test
    void eachDirectionHasItsOwnModel() {
        try (SimWorld world = SimWorld.builder(26).build()) {
            CountingNode a = world.addNode("A", CountingNode::new, A);
            CountingNode b = world.addNode("B", CountingNode::new, B);
            world.link("A", "B").configure(LinkFaults.PERFECT.withDelay(7 * MS, 0));
            world.link("B", "A").configure(LinkFaults.PERFECT.withDelay(1 * MS, 0));
            a.send(RawPacket.of(A, B, 1));
            b.send(RawPacket.of(B, A, 2));
            world.runFor(10 * MS);
            assertThat(b.times).containsExactly(7 * MS);
            assertThat(a.times).containsExactly(1 * MS);
        }
    }

    @Test
    void changingTheDefaultLeavesExplicitlyConfiguredDirectionsAlone() {
        try (SimWorld world = SimWorld.builder(27).build()) {
            CountingNode a = world.addNode("A", CountingNode::new, A);
            CountingNode b = world.addNode("B", CountingNode::new, B);
            world.link("A", "B").configure(LinkFaults.PERFECT.withDelay(7 * MS, 0));
            world.link("B", "A");
            world.defaultLink(LinkFaults.PERFECT.withDelay(3 * MS, 0));
            a.send(RawPacket.of(A, B, 1));
            b.send(RawPacket.of(B, A, 2));
            world.runFor(10 * MS);
            assertThat(b.times).containsExactly(7 * MS);
            assertThat(a.times).containsExactly(3 * MS);
        }
    }

    private static void sendEvery(SimWorld world, CountingNode from, int packets, long gap) {
        for (int i = 0; i < packets; i++) {
            from.send(RawPacket.untracked(A, B, i, 100));
            world.runFor(gap);
        }
        world.runFor(1_000 * MS);
    }
}
