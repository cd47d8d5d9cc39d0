package org.nbstack.tcp.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nbstack.tcp.sim.RawPacket.A;
import static org.nbstack.tcp.sim.RawPacket.B;

import org.junit.jupiter.api.Test;

/** The optional per-segment processing cost of a node: packets wait their turn, sends are charged, the queue is bounded. */
class SimProcessingCostTest {
    private static final long US = 1_000L;

    @Test
    void withoutACostEveryPacketIsReceivedWhenItArrives() {
        try (SimWorld world = SimWorld.builder(1).build()) {
            CountingNode a = world.addNode("a", CountingNode::new, A);
            CountingNode b = world.addNode("b", CountingNode::new, B);
            for (int i = 0; i < 3; i++) {
                a.send(RawPacket.of(A, B, i));
            }
            world.runFor(US);
            assertThat(b.times).containsExactly(0L, 0L, 0L);
        }
    }

    @Test
    void packetsArrivingTogetherAreProcessedOneCostApartInOrder() {
        try (SimWorld world = SimWorld.builder(1).build()) {
            CountingNode a = world.addNode("a", CountingNode::new, A);
            CountingNode b = world.addNode("b", CountingNode::new, B);
            world.processingCost("b", 5 * US, 100);
            for (int i = 0; i < 3; i++) {
                a.send(RawPacket.of(A, B, i));
            }
            world.runFor(100 * US);
            assertThat(b.ids).containsExactly(0L, 1L, 2L);
            assertThat(b.times).containsExactly(0L, 5 * US, 10 * US);
            assertThat(world.processingQueuePeak("b")).isEqualTo(3);
        }
    }

    @Test
    void whatANodeSendsOccupiesItsCpuToo() {
        try (SimWorld world = SimWorld.builder(1).build()) {
            CountingNode a = world.addNode("a", CountingNode::new, A);
            CountingNode b = world.addNode("b", CountingNode::new, B);
            world.processingCost("a", 5 * US, 100);
            world.processingCost("b", 5 * US, 100);
            b.send(RawPacket.of(B, A, 100)); // b busy until 5 us
            a.send(RawPacket.of(A, B, 0));
            world.runFor(100 * US);
            assertThat(b.times).containsExactly(5 * US);
        }
    }

    @Test
    void beyondItsQueueAPacketIsDroppedAndCounted() {
        try (SimWorld world = SimWorld.builder(1).build()) {
            CountingNode a = world.addNode("a", CountingNode::new, A);
            CountingNode b = world.addNode("b", CountingNode::new, B);
            world.processingCost("b", 5 * US, 2);
            for (int i = 0; i < 5; i++) {
                a.send(RawPacket.of(A, B, i));
            }
            world.runFor(100 * US);
            assertThat(b.ids).containsExactly(0L, 1L);
            assertThat(world.processingDrops("b")).isEqualTo(3);
        }
    }
}
