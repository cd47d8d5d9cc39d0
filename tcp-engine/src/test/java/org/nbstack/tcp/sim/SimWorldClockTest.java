package org.nbstack.tcp.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.nbstack.tcp.sim.RawPacket.A;
import static org.nbstack.tcp.sim.RawPacket.B;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.link.LinkFaults;

/** Virtual time: scheduled actions, node deadlines, runUntil and runFor. */
class SimWorldClockTest {
    private static final long MS = 1_000_000L;

    @Test
    void nodeTimersFireAtTheirDeadlineExactly() {
        try (SimWorld world = SimWorld.builder(1).build()) {
            TimerNode node = world.addNode("T", TimerNode::new, A);
            node.arm(5 * MS);
            node.arm(7 * MS + 3);
            world.runFor(20 * MS);
            assertThat(node.fired).containsExactly(5 * MS, 7 * MS + 3);
            assertThat(node.advancedAt).containsExactly(5 * MS, 7 * MS + 3);
            assertThat(world.now()).isEqualTo(20 * MS);
        }
    }

    @Test
    void deadlinesMovedEarlierOrLaterAreReadAgain() {
        try (SimWorld world = SimWorld.builder(1).build()) {
            TimerNode node = world.addNode("T", TimerNode::new, A);
            node.arm(10 * MS);
            world.schedule(2 * MS, () -> {
                node.cancel(10 * MS);
                node.arm(4 * MS);
            });
            world.schedule(5 * MS, () -> node.arm(30 * MS));
            world.schedule(6 * MS, () -> {
                node.cancel(30 * MS);
                node.arm(40 * MS);
            });
            world.runFor(100 * MS);
            assertThat(node.fired).containsExactly(4 * MS, 40 * MS);
        }
    }

    @Test
    void aDeadlineSetByAReceivedPacketFiresAfterIt() {
        try (SimWorld world = SimWorld.builder(1).defaultLink(LinkFaults.PERFECT.withDelay(3 * MS, 0)).build()) {
            CountingNode a = world.addNode("A", CountingNode::new, A);
            TimerNode b = world.addNode("B", TimerNode::new, B);
            b.armAfterReceive = 2 * MS;
            a.send(RawPacket.of(A, B, 1));
            world.runFor(10 * MS);
            assertThat(b.receivedAt).containsExactly(3 * MS);
            assertThat(b.fired).containsExactly(5 * MS);
        }
    }

    @Test
    void atTheSameInstantPacketsAreReceivedBeforeTimersFire() {
        try (SimWorld world = SimWorld.builder(1).defaultLink(LinkFaults.PERFECT.withDelay(3 * MS, 0)).build()) {
            CountingNode a = world.addNode("A", CountingNode::new, A);
            List<String> order = new ArrayList<>();
            TimerNode b = world.addNode("B", out -> new TimerNode(out) {
                @Override
                public void receive(long nowNanos, ByteBuf ipPacket) {
                    order.add("packet@" + nowNanos);
                    super.receive(nowNanos, ipPacket);
                }

                @Override
                public void advance(long nowNanos) {
                    order.add("timer@" + nowNanos);
                    super.advance(nowNanos);
                }
            }, B);
            b.arm(3 * MS);
            a.send(RawPacket.of(A, B, 1));
            world.runFor(10 * MS);
            assertThat(order).containsExactly("packet@" + 3 * MS, "timer@" + 3 * MS);
        }
    }

    @Test
    void actionsRunAtTheirTimeInTheOrderTheyWereScheduled() {
        try (SimWorld world = SimWorld.builder(1).build()) {
            List<String> ran = new ArrayList<>();
            world.schedule(5 * MS, () -> ran.add("second@" + world.now()));
            world.schedule(2 * MS, () -> ran.add("first@" + world.now()));
            world.schedule(5 * MS, () -> ran.add("third@" + world.now()));
            world.schedule(5 * MS, () -> world.schedule(5 * MS, () -> ran.add("fourth@" + world.now())));
            world.runFor(10 * MS);
            assertThat(ran).containsExactly("first@" + 2 * MS, "second@" + 5 * MS, "third@" + 5 * MS, "fourth@" + 5 * MS);
        }
    }

    @Test
    void runUntilStopsAtTheEventThatMakesTheConditionTrue() {
        try (SimWorld world = SimWorld.builder(1).defaultLink(LinkFaults.PERFECT.withDelay(1 * MS, 0)).build()) {
            CountingNode a = world.addNode("A", CountingNode::new, A);
            CountingNode b = world.addNode("B", CountingNode::new, B);
            for (int i = 0; i < 10; i++) {
                int id = i;
                world.schedule(i * MS, () -> a.send(RawPacket.of(A, B, id)));
            }
            boolean reached = world.runUntil(() -> b.received() == 3, 1_000 * MS);
            assertThat(reached).isTrue();
            assertThat(world.now()).isEqualTo(3 * MS);
            assertThat(b.ids).containsExactly(0L, 1L, 2L);
            assertThat(world.link("A", "B").counters().inFlight()).isEqualTo(1);
        }
    }

    @Test
    void runUntilReportsATimeoutAndLeavesTheClockAtTheBudget() {
        try (SimWorld world = SimWorld.builder(1).build()) {
            TimerNode node = world.addNode("T", TimerNode::new, A);
            node.arm(50 * MS);
            world.runFor(1 * MS);
            assertThat(world.runUntil(() -> !node.fired.isEmpty(), 20 * MS)).isFalse();
            assertThat(world.now()).isEqualTo(21 * MS);
            assertThat(node.fired).isEmpty();
            assertThat(world.runUntil(() -> !node.fired.isEmpty(), 100 * MS)).isTrue();
            assertThat(world.now()).isEqualTo(50 * MS);
        }
    }

    @Test
    void runUntilChecksTheConditionBeforeRunningAnything() {
        try (SimWorld world = SimWorld.builder(1).build()) {
            List<Long> ran = new ArrayList<>();
            world.schedule(0, () -> ran.add(world.now()));
            assertThat(world.runUntil(() -> true, 10 * MS)).isTrue();
            assertThat(ran).isEmpty();
        }
    }

    @Test
    void anIdleWorldStaysIdleAndTimePasses() {
        try (SimWorld world = SimWorld.builder(1).build()) {
            TimerNode node = world.addNode("T", TimerNode::new, A);
            assertThat(world.isIdle()).isTrue();
            node.arm(MS);
            assertThat(world.isIdle()).isFalse();
            assertThat(world.runUntil(world::isIdle, 10 * MS)).isTrue();
            assertThat(world.now()).isEqualTo(MS);
            assertThat(world.runUntil(() -> false, 10 * MS)).isFalse();
            assertThat(world.now()).isEqualTo(11 * MS);
        }
    }

    @Test
    void anOverdueDeadlineFiresAtOnce() {
        try (SimWorld world = SimWorld.builder(1).build()) {
            TimerNode node = world.addNode("T", TimerNode::new, A);
            world.runFor(10 * MS);
            node.arm(3 * MS);
            world.runFor(MS);
            assertThat(node.fired).containsExactly(3 * MS);
            assertThat(node.advancedAt).containsExactly(10 * MS);
        }
    }

    @Test
    void aNodeWhoseDeadlineNeverMovesIsReportedInsteadOfHanging() {
        try (SimWorld world = SimWorld.builder(1).build()) {
            world.addNode("Stuck", out -> new TimerNode(out) {
                @Override
                public long nextDeadline() {
                    return 2 * MS;
                }
            }, A);
            assertThatThrownBy(() -> world.runFor(10 * MS))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("node Stuck")
                    .hasMessageContaining("advance(now) must fire every timer due at or before now");
        }
    }

    @Test
    void schedulingInThePastIsRefused() {
        try (SimWorld world = SimWorld.builder(1).build()) {
            world.runFor(5 * MS);
            assertThatThrownBy(() -> world.schedule(4 * MS, () -> { }))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("virtual time is already");
        }
    }
}
