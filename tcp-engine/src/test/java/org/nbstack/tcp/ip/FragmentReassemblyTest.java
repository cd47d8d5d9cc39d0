package org.nbstack.tcp.ip;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.stack.StackConfig;
import org.nbstack.tcp.stack.TcpStack;
import org.nbstack.tcp.wire.DropCounters;
import org.nbstack.tcp.wire.Ipv4;
import org.nbstack.tcp.wire.PacketCodec;
import org.nbstack.tcp.wire.TcpFlags;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * Issue 12 defect 13, reassembly (RFC 1122 3.3.2 MUST, RFC 791/815): a fragmented SYN is reassembled and
 * answered in any arrival order; overlapping fragments discard the datagram; incomplete datagrams time out
 * after 30 s; memory per source and in total stays within its bounds while others still get through.
 */
class FragmentReassemblyTest {
    static final int SERVER = IpInputTest.SERVER;
    static final int CLIENT = IpInputTest.CLIENT;
    static final int PORT = 139;
    private static final long SEC = 1_000_000_000L;

    private long now = SEC;
    private final List<ByteBuf> sent = new ArrayList<>();
    private TcpStack stack;

    private void stack(IpConfig ip) {
        stack = new TcpStack(StackConfig.builder(SERVER).secretSeed(7L).ip(ip).build(), sent::add,
                UnpooledByteBufAllocator.DEFAULT, () -> now);
        stack.listen(0, PORT, 4096, l -> {
            while (l.poll() != null) {
                // accepted and left alone
            }
        });
    }

    @AfterEach
    void tearDown() {
        stack.close();
        sent.forEach(ByteBuf::release);
    }

    private List<ByteBuf> synFragments(int src, int srcPort, int id) {
        return IpPackets.fragments(IpPackets.syn(src, srcPort, SERVER, PORT, 5000), 8, id); // 40 octets: 5 fragments
    }

    private List<TcpSegment> synAcks() {
        List<TcpSegment> segs = new ArrayList<>();
        for (ByteBuf p : sent) {
            TcpSegment s = PacketCodec.decode(p, new DropCounters());
            if (s.flags == (TcpFlags.SYN | TcpFlags.ACK)) {
                segs.add(s);
            }
        }
        return segs;
    }

    /** A link vouches for each packet, not for the datagram rebuilt from them: its TCP checksum is still checked. */
    @Test
    void onALinkThatGuaranteesIntegrityAReassembledDatagramsChecksumIsStillVerified() {
        stack(IpConfig.DEFAULT);
        stack.linkGuaranteesIntegrity(true);
        ByteBuf corrupted = IpPackets.syn(CLIENT, 40001, SERVER, PORT, 5000);
        corrupted.setShort(34, corrupted.getUnsignedShort(34) ^ 0x0100); // a window bit, flipped after the checksum
        synFragmentsOf(corrupted, 78).forEach(stack::receive);
        assertThat(stack.drops().get(org.nbstack.tcp.wire.DropReason.BAD_TCP_CHECKSUM)).isEqualTo(1);
        assertThat(sent).as("no SYN-ACK for the corrupted SYN").isEmpty();
        synFragmentsOf(IpPackets.syn(CLIENT, 40002, SERVER, PORT, 5000), 79).forEach(stack::receive);
        assertThat(sent).as("the intact one is answered").hasSize(1);
    }

    private static List<ByteBuf> synFragmentsOf(ByteBuf syn, int id) {
        return IpPackets.fragments(syn, 8, id); // releases syn
    }

    @Test
    void aFragmentedSynIsReassembledAndAnsweredInAnyOrder() {
        stack(IpConfig.DEFAULT);
        List<ByteBuf> fragments = synFragments(CLIENT, 40000, 77);
        assertThat(fragments).hasSize(5);
        Collections.reverse(fragments);
        ByteBuf middle = fragments.remove(2);
        fragments.add(0, middle);
        for (ByteBuf f : fragments) {
            assertThat(synAcks()).isEmpty();
            stack.receive(f);
        }
        assertThat(synAcks()).singleElement().satisfies(s -> {
            assertThat(s.ack).isEqualTo(5001);
            assertThat(s.dstPort).isEqualTo(40000);
        });
        IpCounters c = stack.ipInput().counters();
        assertThat(c.fragmentsReceived).isEqualTo(5);
        assertThat(c.datagramsReassembled).isEqualTo(1);
        assertThat(c.reassemblyBytes).isZero();
        assertThat(c.reassemblyDatagrams).isZero();
    }

    @Test
    void overlappingFragmentsDiscardTheDatagram() {
        stack(IpConfig.DEFAULT);
        List<ByteBuf> fragments = synFragments(CLIENT, 40000, 78);
        stack.receive(fragments.get(0));
        stack.receive(IpPackets.fragment(CLIENT, SERVER, 78, 0, true, new byte[16])); // overlaps the first
        for (ByteBuf f : fragments.subList(1, fragments.size())) {
            stack.receive(f);
        }
        assertThat(synAcks()).as("no SYN-ACK for a datagram rebuilt from overlapping pieces").isEmpty();
        assertThat(stack.ipInput().counters().reassemblyOverlaps).isEqualTo(1);
        assertThat(stack.ipInput().counters().datagramsReassembled).isZero();
    }

    @Test
    void anIncompleteDatagramTimesOutAfterThirtySeconds() {
        stack(IpConfig.DEFAULT);
        List<ByteBuf> fragments = synFragments(CLIENT, 40000, 79);
        for (ByteBuf f : fragments.subList(0, 4)) {
            stack.receive(f);
        }
        assertThat(stack.ipInput().counters().reassemblyBytes).isPositive();
        now += 29 * SEC;
        stack.receive(IpPackets.syn(CLIENT, 40001, SERVER, PORT, 1)); // any packet runs the reassembly timer
        assertThat(stack.ipInput().counters().reassemblyTimeouts).isZero();
        now += 2 * SEC;
        stack.receive(IpPackets.syn(CLIENT, 40002, SERVER, PORT, 1));
        assertThat(stack.ipInput().counters().reassemblyTimeouts).isEqualTo(1);
        assertThat(stack.ipInput().counters().reassemblyBytes).isZero();
        stack.receive(fragments.get(4)); // the last piece, too late: it starts a new datagram that stays incomplete
        assertThat(stack.ipInput().counters().datagramsReassembled).isZero();
    }

    @Test
    void oneSourceCannotTakeTheReassemblyMemory() {
        IpConfig ip = IpConfig.DEFAULT.withReassembly(30 * SEC, 64 << 10, 16 << 10, 128);
        stack(ip);
        int attacker = Ipv4.parse("10.0.0.66");
        for (int id = 0; id < 2000; id++) {
            stack.receive(IpPackets.fragment(attacker, SERVER, id, 0, true, new byte[512])); // never completed
            assertThat(stack.ipInput().counters().reassemblyBytes).isLessThanOrEqualTo(16 << 10);
        }
        assertThat(stack.ipInput().counters().reassemblyLimitDrops).isPositive();
        for (ByteBuf f : synFragments(CLIENT, 40000, 80)) {
            stack.receive(f);
        }
        assertThat(synAcks()).as("another source still gets through").hasSize(1);
    }

    @Test
    void manySourcesStayWithinTheTotalBoundByEvictingTheOldest() {
        IpConfig ip = IpConfig.DEFAULT.withReassembly(30 * SEC, 64 << 10, 16 << 10, 128);
        stack(ip);
        for (int i = 0; i < 2000; i++) {
            int source = Ipv4.parse("10.1.0.0") + i;
            stack.receive(IpPackets.fragment(source, SERVER, i, 0, true, new byte[512]));
            assertThat(stack.ipInput().counters().reassemblyBytes).isLessThanOrEqualTo(64 << 10);
        }
        for (ByteBuf f : synFragments(CLIENT, 40000, 81)) {
            stack.receive(f);
        }
        assertThat(synAcks()).as("a new datagram still completes").hasSize(1);
    }
}
