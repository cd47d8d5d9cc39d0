package org.nbstack.tcp.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nbstack.tcp.sim.RawPacket.A;
import static org.nbstack.tcp.sim.RawPacket.B;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.link.LinkFaults;
import org.nbstack.tcp.wire.Ipv4;

/**
 * The simulator owns the packets in flight and releases every one it does not deliver. These tests check
 * refCnt directly; the build's PARANOID leak detector would also fail them on any leak.
 */
class SimWorldBuffersTest {
    private static final long MS = 1_000_000L;

    @Test
    void closingTheWorldReleasesEveryPacketStillInFlight() {
        List<ByteBuf> sent = new ArrayList<>();
        SimLinkCounters counters;
        long inFlightAtClose;
        try (SimWorld world = SimWorld.builder(51)
                .defaultLink(LinkFaults.PERFECT.withDelay(1_000 * MS, 0).withDuplication(0.5).withCorruption(0.5))
                .build()) {
            CountingNode a = world.addNode("A", CountingNode::new, A);
            world.addNode("B", CountingNode::new, B);
            for (int i = 0; i < 100; i++) {
                ByteBuf packet = RawPacket.of(A, B, i);
                sent.add(packet);
                a.send(packet);
            }
            world.runFor(10 * MS);
            counters = world.link("A", "B").counters();
            inFlightAtClose = counters.inFlight();
            assertThat(inFlightAtClose).isGreaterThan(100);
        }
        assertThat(sent).allMatch(p -> p.refCnt() == 0);
        assertThat(counters.inFlight()).isEqualTo(inFlightAtClose);
        assertThat(counters.delivered()).isZero();
        assertThat(counters.accountedFor()).isTrue();
    }

    @Test
    void everyDroppedPacketIsReleased() {
        List<ByteBuf> sent = new ArrayList<>();
        try (SimWorld world = SimWorld.builder(52).build()) {
            CountingNode a = world.addNode("A", CountingNode::new, A);
            CountingNode b = world.addNode("B", CountingNode::new, B);
            world.link("A", "B")
                    .configure(LinkFaults.PERFECT.withMtu(200).withLoss(0.3).withBandwidth(1_000_000, 2))
                    .addFilter(SimPacketFilter.dropFirst(5, p -> RawPacket.id(p) % 7 == 0))
                    .partition(30 * MS, 40 * MS);
            for (int i = 0; i < 200; i++) {
                ByteBuf packet = RawPacket.of(A, i % 50 == 0 ? Ipv4.parse("192.0.2.9") : B, i, i % 11 == 0 ? 300 : 100);
                sent.add(packet);
                a.send(packet);
                if (i % 3 == 0) {
                    world.runFor(MS / 2);
                }
            }
            world.runFor(1_000 * MS);
            SimLinkCounters c = world.link("A", "B").counters();
            assertThat(c.droppedByFilter()).isPositive();
            assertThat(c.droppedMtu()).isPositive();
            assertThat(c.droppedByPartition()).isPositive();
            assertThat(c.lost()).isPositive();
            assertThat(c.droppedQueueFull()).isPositive();
            assertThat(world.unroutablePackets()).isEqualTo(4);
            assertThat(c.delivered()).isEqualTo(b.received());
            assertThat(c.sent() + world.unroutablePackets()).isEqualTo(200);
            assertThat(c.accountedFor()).isTrue();
            assertThat(c.inFlight()).isZero();
        }
        assertThat(sent).allMatch(p -> p.refCnt() == 0);
    }

    @Test
    void aPacketTooShortToRouteIsDroppedAsUnroutable() {
        try (SimWorld world = SimWorld.builder(53).build()) {
            CountingNode a = world.addNode("A", CountingNode::new, A);
            ByteBuf stub = Unpooled.directBuffer(8).writeLong(1);
            a.send(stub);
            assertThat(stub.refCnt()).isZero();
            assertThat(world.unroutablePackets()).isEqualTo(1);
        }
    }

    @Test
    void packetsSentAfterCloseAreReleasedAtOnce() {
        SimWorld world = SimWorld.builder(54).build();
        CountingNode a = world.addNode("A", CountingNode::new, A);
        world.addNode("B", CountingNode::new, B);
        world.close();
        ByteBuf late = RawPacket.of(A, B, 1);
        a.send(late);
        assertThat(late.refCnt()).isZero();
        world.close();
    }

    @Test
    void aNodeThatReusesTheReceivedBufferToReplyOwnsItProperly() {
        try (SimWorld world = SimWorld.builder(55).defaultLink(LinkFaults.PERFECT.withDelay(MS, 0)).build()) {
            CountingNode a = world.addNode("A", CountingNode::new, A);
            EchoNode b = world.addNode("B", EchoNode::new, B);
            ByteBuf packet = RawPacket.of(A, B, 7);
            a.send(packet);
            world.runFor(5 * MS);
            assertThat(b.echoed).isEqualTo(1);
            assertThat(a.ids).containsExactly(7L);
            assertThat(a.times).containsExactly(2 * MS);
            assertThat(packet.refCnt()).isZero();
        }
    }
}
