package org.nbstack.tcp.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.nbstack.tcp.sim.RawPacket.A;
import static org.nbstack.tcp.sim.RawPacket.B;

import io.netty.buffer.ByteBuf;
import java.nio.ReadOnlyBufferException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.link.LinkFaults;
import org.nbstack.tcp.wire.TcpFlags;

/** Targeted drops, as the seed tests use them: lose the first FINs, lose the ACK of a FIN. */
class SimPacketFilterTest {
    private static final int FIN_ACK = TcpFlags.FIN | TcpFlags.ACK;

    @Test
    void dropFirstLosesTheFirstMatchingPacketsOnly() {
        try (SimWorld world = SimWorld.builder(41).build()) {
            FlagsNode a = world.addNode("A", FlagsNode::new, A);
            FlagsNode b = world.addNode("B", FlagsNode::new, B);
            world.link("A", "B").addFilter(SimPacketFilter.dropFirst(2, SimPackets.withTcpFlags(TcpFlags.FIN)));
            a.out.send(RawPacket.tcp(A, B, TcpFlags.ACK | TcpFlags.PSH, 100, 1, 5, 10));
            a.out.send(RawPacket.tcp(A, B, FIN_ACK, 110, 1, 5, 0));
            a.out.send(RawPacket.tcp(A, B, TcpFlags.ACK, 111, 1, 5, 0));
            a.out.send(RawPacket.tcp(A, B, FIN_ACK, 110, 1, 5, 0));
            a.out.send(RawPacket.tcp(A, B, FIN_ACK, 110, 1, 5, 0));
            b.out.send(RawPacket.tcp(B, A, FIN_ACK, 1, 111, 5, 0));
            world.runFor(1_000_000);
            assertThat(b.flags).containsExactly(TcpFlags.ACK | TcpFlags.PSH, TcpFlags.ACK, FIN_ACK);
            assertThat(a.flags).containsExactly(FIN_ACK);
            assertThat(world.link("A", "B").counters().droppedByFilter()).isEqualTo(2);
        }
    }

    @Test
    void anObservingFilterAndADroppingOneLoseTheAckOfTheFin() {
        try (SimWorld world = SimWorld.builder(42).build()) {
            FlagsNode a = world.addNode("A", FlagsNode::new, A);
            FlagsNode b = world.addNode("B", FlagsNode::new, B);
            int[] finEnd = {0};
            boolean[] finSeen = {false};
            world.link("A", "B").addFilter((now, p) -> {
                if (!finSeen[0] && SimPackets.hasTcpFlags(p, TcpFlags.FIN)) {
                    finSeen[0] = true;
                    finEnd[0] = SimPackets.tcpSeqEnd(p);
                }
                return false;
            });
            world.link("B", "A").addFilter(SimPacketFilter.dropFirst(1, p -> finSeen[0]
                    && SimPackets.hasTcpFlags(p, TcpFlags.ACK) && SimPackets.tcpAck(p) == finEnd[0]));
            a.out.send(RawPacket.tcp(A, B, FIN_ACK, 500, 9, 5, 0));
            world.runFor(1_000);
            b.out.send(RawPacket.tcp(B, A, TcpFlags.ACK, 9, 500, 5, 0));
            b.out.send(RawPacket.tcp(B, A, TcpFlags.ACK, 9, 501, 5, 0));
            b.out.send(RawPacket.tcp(B, A, TcpFlags.ACK, 9, 501, 5, 0));
            world.runFor(1_000);
            assertThat(finEnd[0]).isEqualTo(501);
            assertThat(a.acks).containsExactly(500, 501);
        }
    }

    @Test
    void filtersSeeEveryPacketBeforeTheRandomFaults() {
        try (SimWorld world = SimWorld.builder(43).defaultLink(LinkFaults.PERFECT.withLoss(1.0)).build()) {
            FlagsNode a = world.addNode("A", FlagsNode::new, A);
            world.addNode("B", FlagsNode::new, B);
            List<Integer> seen = new ArrayList<>();
            world.link("A", "B").addFilter((now, p) -> {
                seen.add(SimPackets.tcpSeq(p));
                return false;
            });
            for (int seq = 0; seq < 5; seq++) {
                a.out.send(RawPacket.tcp(A, B, TcpFlags.ACK, seq, 0, 5, 0));
            }
            world.runFor(1_000);
            assertThat(seen).containsExactly(0, 1, 2, 3, 4);
            assertThat(world.link("A", "B").counters().lost()).isEqualTo(5);
            assertThat(world.link("A", "B").counters().droppedByFilter()).isZero();
        }
    }

    @Test
    void aFilterCanNeitherWriteThePacketNorMoveItsIndexes() {
        try (SimWorld world = SimWorld.builder(44).build()) {
            FlagsNode a = world.addNode("A", FlagsNode::new, A);
            FlagsNode b = world.addNode("B", FlagsNode::new, B);
            List<Throwable> refused = new ArrayList<>();
            world.link("A", "B").addFilter((now, p) -> {
                try {
                    p.setByte(p.readerIndex() + 33, 0);
                } catch (ReadOnlyBufferException e) {
                    refused.add(e);
                }
                p.skipBytes(12);
                return false;
            });
            a.out.send(RawPacket.tcp(A, B, FIN_ACK, 1, 42, 5, 0));
            world.runFor(1_000);
            assertThat(refused).hasSize(1);
            assertThat(b.flags).containsExactly(FIN_ACK);
            assertThat(b.acks).containsExactly(42);
        }
    }

    @Test
    void tcpFieldsAreReadAfterTheIpOptions() {
        ByteBuf withOptions = RawPacket.tcp(A, B, TcpFlags.SYN, 0xfffffff0, 77, 6, 0);
        ByteBuf withData = RawPacket.tcp(A, B, FIN_ACK | TcpFlags.PSH, 1000, 5, 15, 300);
        try {
            assertThat(SimPackets.ipHeaderLength(withOptions)).isEqualTo(24);
            assertThat(SimPackets.tcpFlags(withOptions)).isEqualTo(TcpFlags.SYN);
            assertThat(SimPackets.tcpSeq(withOptions)).isEqualTo(0xfffffff0);
            assertThat(SimPackets.tcpAck(withOptions)).isEqualTo(77);
            assertThat(SimPackets.srcPort(withOptions)).isEqualTo(40000);
            assertThat(SimPackets.dstPort(withOptions)).isEqualTo(139);
            assertThat(SimPackets.tcpSeqEnd(withOptions)).isEqualTo(0xfffffff1);
            assertThat(SimPackets.srcAddress(withOptions)).isEqualTo(A);
            assertThat(SimPackets.dstAddress(withOptions)).isEqualTo(B);
            assertThat(SimPackets.ipHeaderLength(withData)).isEqualTo(60);
            assertThat(SimPackets.tcpPayloadLength(withData)).isEqualTo(300);
            assertThat(SimPackets.tcpSeqEnd(withData)).isEqualTo(1301);
            assertThat(SimPackets.hasTcpFlags(withData, FIN_ACK)).isTrue();
            assertThat(SimPackets.hasTcpFlags(withData, TcpFlags.SYN)).isFalse();
        } finally {
            withOptions.release();
            withData.release();
        }
    }

    @Test
    void packetsThatAreNotTcpHaveNoFlags() {
        ByteBuf raw = RawPacket.of(A, B, 1);
        try {
            assertThat(SimPackets.isTcp(raw)).isFalse();
            assertThat(SimPackets.tcpFlags(raw)).isEqualTo(-1);
            assertThat(SimPackets.hasTcpFlags(raw, TcpFlags.FIN)).isFalse();
        } finally {
            raw.release();
        }
    }

    @Test
    void aNegativeCountIsRefused() {
        assertThatThrownBy(() -> SimPacketFilter.dropFirst(-1, p -> true)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Records the TCP flags and ack numbers of what arrives. */
    static final class FlagsNode extends CountingNode {
        final List<Integer> flags = new ArrayList<>();
        final List<Integer> acks = new ArrayList<>();

        FlagsNode(SimPacketOutput out) {
            super(out);
        }

        @Override
        public void receive(long nowNanos, ByteBuf ipPacket) {
            try {
                flags.add(SimPackets.tcpFlags(ipPacket));
                acks.add(SimPackets.tcpAck(ipPacket));
            } finally {
                ipPacket.release();
            }
        }
    }
}
