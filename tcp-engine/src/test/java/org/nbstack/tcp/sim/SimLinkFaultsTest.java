package org.nbstack.tcp.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nbstack.tcp.sim.RawPacket.A;
import static org.nbstack.tcp.sim.RawPacket.B;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.link.LinkFaults;

/** The random faults happen at the configured rates, and do what they say to the packets. */
class SimLinkFaultsTest {
    private static final int PACKETS = 100_000;
    private static final long GAP = 10_000L;

    @Test
    void lossTakesTheConfiguredShareOfPackets() {
        try (SimWorld world = SimWorld.builder(11).defaultLink(LinkFaults.PERFECT.withLoss(0.1)).build()) {
            CountingNode a = world.addNode("A", CountingNode::new, A);
            CountingNode b = world.addNode("B", CountingNode::new, B);
            sendMany(world, a, PACKETS);
            SimLinkCounters c = world.link("A", "B").counters();
            assertWithinBinomialBounds(c.lost(), PACKETS, 0.1);
            assertThat(c.sent()).isEqualTo(PACKETS);
            assertThat(c.delivered()).isEqualTo(b.received()).isEqualTo(PACKETS - c.lost());
            assertThat(new HashSet<>(b.ids)).hasSize(b.received());
            assertThat(c.accountedFor()).isTrue();
        }
    }

    @Test
    void duplicationDeliversSomePacketsTwice() {
        try (SimWorld world = SimWorld.builder(12).defaultLink(LinkFaults.PERFECT.withDuplication(0.05)).build()) {
            CountingNode a = world.addNode("A", CountingNode::new, A);
            CountingNode b = world.addNode("B", CountingNode::new, B);
            sendMany(world, a, PACKETS);
            SimLinkCounters c = world.link("A", "B").counters();
            assertWithinBinomialBounds(c.duplicated(), PACKETS, 0.05);
            Map<Long, Integer> arrivals = new HashMap<>();
            b.ids.forEach(id -> arrivals.merge(id, 1, Integer::sum));
            assertThat(arrivals).hasSize(PACKETS);
            assertThat(arrivals.values()).allMatch(n -> n == 1 || n == 2);
            assertThat(arrivals.values().stream().filter(n -> n == 2).count()).isEqualTo(c.duplicated());
            assertThat(b.received()).isEqualTo(PACKETS + c.duplicated());
            assertThat(c.accountedFor()).isTrue();
        }
    }

    @Test
    void corruptionFlipsExactlyOneBitOfTheConfiguredShareOfPackets() {
        int packets = 20_000;
        try (SimWorld world = SimWorld.builder(13).defaultLink(LinkFaults.PERFECT.withCorruption(0.02)).build()) {
            CountingNode a = world.addNode("A", CountingNode::new, A);
            CountingNode b = world.addNode("B", CountingNode::new, B).keepingContents();
            sendMany(world, a, packets);
            SimLinkCounters c = world.link("A", "B").counters();
            assertWithinBinomialBounds(c.corrupted(), packets, 0.02);
            assertThat(b.received()).isEqualTo(packets);
            int changed = 0;
            Set<Integer> bitPositions = new HashSet<>();
            for (int i = 0; i < packets; i++) {
                // A perfect link apart from corruption keeps the order, so arrival i is packet i.
                int bits = differingBits(RawPacket.expected(A, B, i, 100), b.contents.get(i), bitPositions);
                assertThat(bits).as("bits changed in packet %d", i).isLessThanOrEqualTo(1);
                changed += bits;
            }
            assertThat(changed).isEqualTo(c.corrupted());
            // "anywhere": header and payload bits alike
            assertThat(bitPositions).anyMatch(bit -> bit < 160).anyMatch(bit -> bit >= 224);
        }
    }

    @Test
    void corruptionNeverChangesABufferTheSenderStillShares() {
        try (SimWorld world = SimWorld.builder(14).defaultLink(LinkFaults.PERFECT.withCorruption(1.0)).build()) {
            CountingNode a = world.addNode("A", CountingNode::new, A);
            CountingNode b = world.addNode("B", CountingNode::new, B).keepingContents();
            List<ByteBuf> kept = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                ByteBuf packet = RawPacket.of(A, B, i, 100);
                // What a retransmission queue does: keep a view of the bytes it handed to the network.
                kept.add(packet.retainedDuplicate());
                a.send(packet);
            }
            world.runFor(1_000_000);
            assertThat(b.received()).isEqualTo(200);
            for (int i = 0; i < 200; i++) {
                ByteBuf view = kept.get(i);
                byte[] bytes = new byte[view.readableBytes()];
                view.getBytes(view.readerIndex(), bytes);
                assertThat(bytes).as("sender's view of packet %d", i).isEqualTo(RawPacket.expected(A, B, i, 100));
                assertThat(differingBits(RawPacket.expected(A, B, i, 100), b.contents.get(i), new HashSet<>())).isEqualTo(1);
                view.release();
            }
        }
    }

    @Test
    void aPerfectLinkDeliversEverythingUnchangedAndInOrder() {
        try (SimWorld world = SimWorld.builder(15).build()) {
            CountingNode a = world.addNode("A", CountingNode::new, A);
            CountingNode b = world.addNode("B", CountingNode::new, B).keepingContents();
            sendMany(world, a, 1000);
            for (int i = 0; i < 1000; i++) {
                assertThat(b.ids.get(i)).isEqualTo(i);
                assertThat(b.contents.get(i)).isEqualTo(RawPacket.expected(A, B, i, 100));
            }
            assertThat(world.link("A", "B").counters().dropped()).isZero();
        }
    }

    static void sendMany(SimWorld world, CountingNode from, int packets) {
        for (int i = 0; i < packets; i++) {
            from.send(RawPacket.untracked(A, B, i, 100));
            world.runFor(GAP);
        }
        world.runFor(1_000_000_000L);
    }

    /** Within 5 standard deviations of the binomial mean: a broken rate fails, an honest one essentially never. */
    static void assertWithinBinomialBounds(long observed, int trials, double p) {
        double mean = trials * p;
        double sigma = Math.sqrt(trials * p * (1 - p));
        assertThat((double) observed).as("count of %d trials at p=%s", trials, p)
                .isBetween(mean - 5 * sigma, mean + 5 * sigma);
    }

    private static int differingBits(byte[] expected, byte[] actual, Set<Integer> positions) {
        assertThat(actual).hasSameSizeAs(expected);
        int bits = 0;
        for (int i = 0; i < expected.length; i++) {
            int x = (expected[i] ^ actual[i]) & 0xff;
            bits += Integer.bitCount(x);
            for (int bit = 0; bit < 8; bit++) {
                if ((x & 1 << bit) != 0) {
                    positions.add(i * 8 + bit);
                }
            }
        }
        return bits;
    }
}
