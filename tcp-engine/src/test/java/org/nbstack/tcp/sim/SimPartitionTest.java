package org.nbstack.tcp.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.nbstack.tcp.sim.RawPacket.A;
import static org.nbstack.tcp.sim.RawPacket.B;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.link.LinkFaults;

/** Partitions drop exactly the packets sent inside their interval, in the directions they cut. */
class SimPartitionTest {
    private static final long MS = 1_000_000L;

    @Test
    void aOneWayPartitionDropsExactlyThePacketsSentInsideIt() {
        try (SimWorld world = SimWorld.builder(31).build()) {
            CountingNode a = world.addNode("A", CountingNode::new, A);
            CountingNode b = world.addNode("B", CountingNode::new, B);
            world.link("A", "B").partition(20 * MS, 50 * MS);
            exchangeEveryMillisecond(world, a, b, 100);
            assertThat(b.ids).containsExactlyElementsOf(idsOutside(20, 50, 100));
            assertThat(a.ids).containsExactlyElementsOf(idsOutside(0, 0, 100));
            assertThat(world.link("A", "B").counters().droppedByPartition()).isEqualTo(30);
            assertThat(world.link("B", "A").counters().droppedByPartition()).isZero();
        }
    }

    @Test
    void aPartitionBetweenTwoNodesCutsBothDirections() {
        try (SimWorld world = SimWorld.builder(32).build()) {
            CountingNode a = world.addNode("A", CountingNode::new, A);
            CountingNode b = world.addNode("B", CountingNode::new, B);
            world.partition("A", "B", 10 * MS, 15 * MS);
            world.partition("A", "B", 40 * MS, 41 * MS);
            exchangeEveryMillisecond(world, a, b, 60);
            List<Long> expected = idsOutside(10, 15, 60).stream().filter(id -> id != 40).toList();
            assertThat(b.ids).containsExactlyElementsOf(expected);
            assertThat(a.ids).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void packetsSentBeforeThePartitionStillArriveDuringIt() {
        try (SimWorld world = SimWorld.builder(33).defaultLink(LinkFaults.PERFECT.withDelay(5 * MS, 0)).build()) {
            CountingNode a = world.addNode("A", CountingNode::new, A);
            CountingNode b = world.addNode("B", CountingNode::new, B);
            world.link("A", "B").partition(2 * MS, 20 * MS);
            a.send(RawPacket.of(A, B, 1));
            world.runFor(30 * MS);
            assertThat(b.times).containsExactly(5 * MS);
        }
    }

    @Test
    void anEmptyOrBackwardsIntervalIsRefused() {
        try (SimWorld world = SimWorld.builder(34).build()) {
            world.addNode("A", CountingNode::new, A);
            world.addNode("B", CountingNode::new, B);
            assertThatThrownBy(() -> world.link("A", "B").partition(5 * MS, 5 * MS))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must end after it starts");
        }
    }

    /** A sends id i to B and B sends id i to A at i ms, for i in [0, count). */
    private static void exchangeEveryMillisecond(SimWorld world, CountingNode a, CountingNode b, int count) {
        for (int i = 0; i < count; i++) {
            a.send(RawPacket.of(A, B, i));
            b.send(RawPacket.of(B, A, i));
            world.runFor(MS);
        }
        world.runFor(MS);
    }

    private static List<Long> idsOutside(long from, long to, long count) {
        return LongStream.range(0, count).filter(i -> i < from || i >= to).boxed().toList();
    }
}
