package org.nbstack.tcp.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nbstack.tcp.sim.RawPacket.A;
import static org.nbstack.tcp.sim.RawPacket.B;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.link.LinkFaults;

/**
 * Whatever the link model, the counters account for every packet and every buffer is released (the PARANOID
 * leak detector fails the test otherwise). Random models per seed, run through the seed harness itself.
 */
class SimLinkAccountingTest {
    private static final long US = 1_000L;

    @Test
    void everyPacketIsAccountedForUnderAnyLinkModel() {
        SimSeeds.run(0, 30, seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            try (SimWorld world = SimWorld.builder(seed).build()) {
                CountingNode a = world.addNode("A", CountingNode::new, A);
                EchoNode b = world.addNode("B", EchoNode::new, B);
                world.link("A", "B").configure(randomModel(r));
                world.link("B", "A").configure(randomModel(r));
                if (r.nextBoolean()) {
                    world.partition("A", "B", r.nextLong(5_000 * US), 5_000 * US + r.nextLong(5_000 * US));
                }
                for (int i = 0; i < 300; i++) {
                    int length = 28 + r.nextInt(1500);
                    // One in ten tracked by the leak detector: enough to catch a leak on any path, fast enough.
                    a.send(i % 10 == 0 ? RawPacket.of(A, B, i, length) : RawPacket.untracked(A, B, i, length));
                    world.runFor(r.nextLong(50 * US));
                    assertAccountedFor(world);
                }
                world.runFor(r.nextLong(20_000 * US));
                assertAccountedFor(world);
                SimLinkCounters back = world.link("B", "A").counters();
                // A corrupted address can make B's echo unroutable.
                assertThat(back.sent() + world.unroutablePackets()).isEqualTo(b.echoed);
                assertThat(back.delivered()).isEqualTo(a.received());
            }
        });
    }

    private static void assertAccountedFor(SimWorld world) {
        for (String[] direction : new String[][] {{"A", "B"}, {"B", "A"}}) {
            SimLinkCounters c = world.link(direction[0], direction[1]).counters();
            assertThat(c.accountedFor()).as("%s>%s %s", direction[0], direction[1], c).isTrue();
        }
    }

    private static LinkFaults randomModel(SplittableRandom r) {
        LinkFaults c = LinkFaults.PERFECT
                .withLoss(r.nextDouble(0.2))
                .withDuplication(r.nextDouble(0.2))
                .withCorruption(r.nextDouble(0.1))
                .withReordering(r.nextDouble(0.3), 1 + r.nextLong(5_000 * US))
                .withDelay(r.nextLong(3_000 * US), r.nextLong(2_000 * US))
                .withMtu(r.nextBoolean() ? 1500 : 576);
        return r.nextBoolean() ? c : c.withBandwidth(1_000_000 + r.nextLong(100_000_000), 1 + r.nextInt(50));
    }
}
