package org.nbstack.tcp.ip;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.stack.StackConfig;
import org.nbstack.tcp.stack.StackConnection;
import org.nbstack.tcp.stack.TcpStack;
import org.nbstack.tcp.wire.Checksum;
import org.nbstack.tcp.wire.DropCounters;
import org.nbstack.tcp.wire.DropReason;
import org.nbstack.tcp.wire.Ipv4;
import org.nbstack.tcp.wire.PacketCodec;
import org.nbstack.tcp.wire.TcpFlags;
import org.nbstack.tcp.wire.TcpOptions;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * Issue 12 defect 13, ICMP: "fragmentation needed" lowers the MSS of the connection it quotes only when the
 * RFC 5927 checks pass (RFC 1191), and echo requests get replies, switchable and rate limited (RFC 792).
 */
class IcmpTest {
    static final int SERVER = IpInputTest.SERVER;
    static final int CLIENT = IpInputTest.CLIENT;
    static final int ROUTER = Ipv4.parse("10.0.0.254");
    static final int PORT = 139;
    static final int CLIENT_PORT = 40000;
    private static final int CLIENT_ISN = 1000;

    private long now = 1_000_000_000L;
    private final List<ByteBuf> sent = new ArrayList<>();
    private TcpStack stack;

    private TcpStack stack(IpConfig ip) {
        stack = new TcpStack(StackConfig.builder(SERVER).secretSeed(7L).ip(ip).build(), sent::add,
                UnpooledByteBufAllocator.DEFAULT, () -> now);
        return stack;
    }

    @AfterEach
    void tearDown() {
        if (stack != null) {
            stack.close();
        }
        clearSent();
    }

    private void clearSent() {
        sent.forEach(ByteBuf::release);
        sent.clear();
    }

    /** The server side of a handshake with CLIENT (no timestamps, so the MSS is all payload). */
    private StackConnection established() {
        List<StackConnection> accepted = new ArrayList<>();
        stack.listen(0, PORT, 16, l -> {
            StackConnection c;
            while ((c = l.poll()) != null) {
                c.setHandler(new IpInputTest.Sink(c));
                accepted.add(c);
            }
        });
        stack.receive(IpPackets.tcp(CLIENT, CLIENT_PORT, SERVER, PORT, CLIENT_ISN, 0, TcpFlags.SYN,
                new TcpOptions(1460, -1, false, false, 0, 0, new int[0]), null));
        TcpSegment synAck = PacketCodec.decode(sent.get(0), new DropCounters());
        stack.receive(IpPackets.tcp(CLIENT, CLIENT_PORT, SERVER, PORT, CLIENT_ISN + 1, synAck.seq + 1, TcpFlags.ACK,
                TcpOptions.NONE, null));
        clearSent();
        assertThat(accepted).hasSize(1);
        return accepted.get(0);
    }

    private static int ipLength(ByteBuf packet) {
        return packet.getUnsignedShort(packet.readerIndex() + 2);
    }

    private static int seqOf(ByteBuf packet) {
        return packet.getInt(packet.readerIndex() + 24);
    }

    @Test
    void fragmentationNeededForASegmentInFlightLowersTheMssAndResendsAtOnce() {
        stack(IpConfig.DEFAULT);
        StackConnection server = established();
        server.write(Unpooled.wrappedBuffer(new byte[20_000]));
        server.flush();
        assertThat(sent).isNotEmpty().allSatisfy(p -> assertThat(ipLength(p)).isEqualTo(1500));
        ByteBuf first = sent.get(0).retain();
        int firstSeq = seqOf(first);
        clearSent();

        stack.receive(IpPackets.fragmentationNeeded(ROUTER, first, 1280));
        first.release();

        assertThat(stack.ipInput().counters().pathMtuLowered).isEqualTo(1);
        assertThat(sent).as("the segment that did not fit is sent again at once, smaller").isNotEmpty();
        assertThat(seqOf(sent.get(0))).isEqualTo(firstSeq);
        assertThat(ipLength(sent.get(0))).isEqualTo(1280);
        assertThat(server.connection().sendMss()).isEqualTo(1240);
    }

    @Test
    void fragmentationNeededThatFailsTheRfc5927ChecksIsIgnored() {
        stack(IpConfig.DEFAULT);
        StackConnection server = established();
        server.write(Unpooled.wrappedBuffer(new byte[3000]));
        server.flush();
        ByteBuf first = sent.get(0).retain();
        clearSent();

        ByteBuf notInFlight = first.copy();
        notInFlight.setInt(24, seqOf(first) + 1_000_000); // a sequence number we never sent
        stack.receive(IpPackets.fragmentationNeeded(ROUTER, notInFlight, 1280));
        notInFlight.release();
        ByteBuf otherPort = first.copy();
        otherPort.setShort(22, CLIENT_PORT + 1); // no connection to that port
        stack.receive(IpPackets.fragmentationNeeded(ROUTER, otherPort, 1280));
        otherPort.release();
        stack.receive(IpPackets.fragmentationNeeded(ROUTER, first, 9000)); // not lower
        ByteBuf notOurs = first.copy();
        notOurs.setInt(12, CLIENT); // quotes a packet we did not send
        ByteBuf forged = IpPackets.fragmentationNeeded(ROUTER, notOurs, 1280);
        forged.setInt(16, SERVER);
        stack.receive(IpPackets.header(forged, 0, 0, forged.readableBytes()));
        notOurs.release();
        first.release();

        assertThat(stack.ipInput().counters().pathMtuLowered).isZero();
        assertThat(stack.ipInput().counters().fragmentationNeededIgnored).isEqualTo(3);
        assertThat(stack.drops().get(DropReason.BAD_ICMP)).isEqualTo(1);
        assertThat(server.connection().sendMss()).isEqualTo(1460);
        assertThat(sent).as("nothing resent").isEmpty();
    }

    @Test
    void aTinyReportedMtuIsRaisedToTheFloor() {
        stack(IpConfig.DEFAULT);
        StackConnection server = established();
        server.write(Unpooled.wrappedBuffer(new byte[3000]));
        server.flush();
        ByteBuf first = sent.get(0).retain();
        clearSent();
        stack.receive(IpPackets.fragmentationNeeded(ROUTER, first, 68));
        first.release();
        assertThat(server.connection().sendMss()).as("Linux min_pmtu 552 less 40").isEqualTo(512);
        assertThat(ipLength(sent.get(0))).isEqualTo(552);
    }

    @Test
    void anEchoRequestGetsItsReply() {
        stack(IpConfig.DEFAULT);
        byte[] data = "abcdefghijklmnopqrstuvwxyz".getBytes();
        stack.receive(IpPackets.icmp(CLIENT, SERVER, 8, 0, 0x1234_0007, Unpooled.wrappedBuffer(data)));
        assertThat(sent).hasSize(1);
        ByteBuf reply = sent.get(0);
        assertThat(Checksum.verifies(Checksum.add(0, reply, 0, 20))).as("IPv4 header checksum").isTrue();
        assertThat(Checksum.verifies(Checksum.add(0, reply, 20, reply.readableBytes() - 20))).as("ICMP checksum").isTrue();
        assertThat(reply.getInt(12)).isEqualTo(SERVER);
        assertThat(reply.getInt(16)).isEqualTo(CLIENT);
        assertThat((int) reply.getUnsignedByte(9)).as("protocol ICMP").isEqualTo(1);
        assertThat((int) reply.getUnsignedByte(20)).as("type echo reply").isZero();
        assertThat(reply.getInt(24)).as("identifier and sequence number").isEqualTo(0x1234_0007);
        byte[] echoed = new byte[data.length];
        reply.getBytes(28, echoed);
        assertThat(echoed).isEqualTo(data);
        assertThat(stack.ipInput().counters().echoRepliesSent).isEqualTo(1);
    }

    @Test
    void echoRepliesCanBeSwitchedOffAndAreRateLimited() {
        stack(IpConfig.DEFAULT.withEchoReplies(false));
        stack.receive(IpPackets.icmp(CLIENT, SERVER, 8, 0, 1, Unpooled.buffer(0)));
        assertThat(sent).isEmpty();
        stack.close();

        stack(IpConfig.DEFAULT);
        for (int i = 0; i < 1000; i++) {
            stack.receive(IpPackets.icmp(CLIENT, SERVER, 8, 0, i, Unpooled.buffer(0)));
        }
        assertThat(sent).as("a burst of 50, as Linux's icmp_msgs_burst").hasSize(50);
        now += 1_000_000_000L;
        for (int i = 0; i < 1000; i++) {
            stack.receive(IpPackets.icmp(CLIENT, SERVER, 8, 0, i, Unpooled.buffer(0)));
        }
        assertThat(sent).as("a second later the bucket is full again").hasSize(100);
        assertThat(stack.ipInput().counters().echoRepliesSuppressed).isEqualTo(1900);
    }

    @Test
    void anIcmpMessageWithABadChecksumIsDroppedAndCounted() {
        stack(IpConfig.DEFAULT);
        ByteBuf request = IpPackets.icmp(CLIENT, SERVER, 8, 0, 1, Unpooled.wrappedBuffer(new byte[8]));
        request.setByte(30, 1);
        stack.receive(request);
        assertThat(sent).isEmpty();
        assertThat(stack.drops().get(DropReason.BAD_ICMP)).isEqualTo(1);
    }
}
