package org.nbstack.tcp.ip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nbstack.tcp.core.ConnectionEvents;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.core.TcpConnection;
import org.nbstack.tcp.stack.StackConfig;
import org.nbstack.tcp.stack.StackConnection;
import org.nbstack.tcp.stack.TcpStack;
import org.nbstack.tcp.wire.DropCounters;
import org.nbstack.tcp.wire.DropReason;
import org.nbstack.tcp.wire.Ipv4;
import org.nbstack.tcp.wire.PacketCodec;
import org.nbstack.tcp.wire.TcpFlags;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * Issue 12 defects 10 and 11 at the stack: what the IP layer refuses before TCP sees it (a LAND packet, martian
 * sources, port 0), and loopback delivery that yields to the link instead of looping until its queue is empty.
 */
class IpInputTest {
    static final int SERVER = Ipv4.parse("10.0.0.2");
    static final int CLIENT = Ipv4.parse("10.0.0.1");
    static final int LOCALHOST = Ipv4.parse("127.0.0.1");
    static final int PORT = 139;
    private static final long SEC = 1_000_000_000L;

    private long now = SEC;
    private final List<ByteBuf> sent = new ArrayList<>();
    private final TcpStack stack = new TcpStack(StackConfig.of(SERVER, LOCALHOST).withSecretSeed(7), sent::add,
            UnpooledByteBufAllocator.DEFAULT, () -> now);

    @AfterEach
    void tearDown() {
        stack.close();
        sent.forEach(ByteBuf::release);
    }

    private List<StackConnection> listen() {
        List<StackConnection> accepted = new ArrayList<>();
        stack.listen(0, PORT, 64, l -> {
            StackConnection c;
            while ((c = l.poll()) != null) {
                c.setHandler(new Sink(c));
                accepted.add(c);
            }
        });
        return accepted;
    }

    /** Consumes what arrives and counts it. */
    static final class Sink implements ConnectionEvents {
        final StackConnection self;
        long received;

        Sink(StackConnection self) {
            this.self = self;
        }

        @Override
        public void onData(TcpConnection c, ByteBuf data) {
            int n = data.readableBytes();
            received += n;
            data.release();
            if (self != null) {
                self.consumed(n);
            }
        }
    }

    private List<TcpSegment> sentSegments() {
        List<TcpSegment> segs = new ArrayList<>();
        for (ByteBuf p : sent) {
            segs.add(PacketCodec.decode(p, new DropCounters()));
        }
        return segs;
    }

    @Test
    void landSynFromTheLinkIsDroppedAndCountedAtOnce() {
        listen();
        // Defect 10: a SYN from our own address and port to itself, with a timestamp, once spun the shard forever.
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> stack.receive(IpPackets.syn(SERVER, PORT, SERVER, PORT, 1000)));
        assertThat(stack.drops().get(DropReason.OWN_SOURCE_ADDRESS)).isEqualTo(1);
        assertThat(stack.connectionCount()).isZero();
        assertThat(stack.tcpCounters().segmentsSent).isZero();
        assertThat(sent).isEmpty();
        assertThat(stack.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "0.1.2.3", "255.255.255.255", "224.0.0.5", "239.255.255.250", "240.0.0.1",
            "127.0.0.2"})
    void synFromAMartianSourceIsDroppedSilentlyAndCounted(String source) {
        listen();
        stack.receive(IpPackets.syn(Ipv4.parse(source), 40000, SERVER, PORT, 1000));
        assertThat(stack.drops().get(DropReason.BAD_ADDRESS)).as("RFC 1122 3.2.1.3").isEqualTo(1);
        assertThat(sent).as("no SYN-ACK, no RST").isEmpty();
        assertThat(stack.connectionCount()).isZero();
    }

    @Test
    void portZeroOnEitherSideIsDroppedSilentlyAndCounted() {
        listen();
        stack.receive(IpPackets.syn(CLIENT, 0, SERVER, PORT, 1000));
        stack.receive(IpPackets.syn(CLIENT, 40000, SERVER, 0, 1000));
        assertThat(stack.drops().get(DropReason.BAD_PORT)).isEqualTo(2);
        assertThat(sent).as("no SYN-ACK, no RST").isEmpty();
        assertThat(stack.connectionCount()).isZero();
    }

    @Test
    void aSynFromAnOrdinaryPeerIsStillAnswered() {
        listen();
        stack.receive(IpPackets.syn(CLIENT, 40000, SERVER, PORT, 1000));
        assertThat(sentSegments()).singleElement().satisfies(s -> {
            assertThat(s.flags).isEqualTo(TcpFlags.SYN | TcpFlags.ACK);
            assertThat(s.ack).isEqualTo(1001);
        });
        assertThat(stack.drops().total()).isZero();
    }

    @Test
    void loopbackTrafficIsDeliveredInBoundedBatchesSoLinkPacketsAreReadInBetween() {
        listen();
        Sink clientSide = new Sink(null);
        StackConnection client = stack.connect(0, 0, LOCALHOST, PORT, TcpConfig.DEFAULT, clientSide);
        int total = 8 << 20;
        client.write(Unpooled.wrappedBuffer(new byte[total]));
        client.flush();
        // One call into the stack did a bounded amount of loopback work and asks to be called again at once.
        assertThat(stack.nextDeadline()).isLessThanOrEqualTo(now);
        assertThat(stack.tcpCounters().segmentsSent).isLessThan(4L * 256);
        // A SYN from the link is answered while the loopback transfer is still under way.
        stack.receive(IpPackets.syn(CLIENT, 40000, SERVER, PORT, 1000));
        assertThat(sentSegments()).singleElement().satisfies(s -> assertThat(s.flags).isEqualTo(TcpFlags.SYN | TcpFlags.ACK));
        long passes = 0;
        while (stack.nextDeadline() <= now && passes < 1_000_000) {
            stack.runTimers();
            passes++;
        }
        assertThat(passes).as("the transfer needed several passes").isGreaterThan(1);
        for (int i = 0; i < 20 && client.connection().sendQueueBytes() > 0; i++) {
            now += 50_000_000L; // the tail waits for a delayed ACK
            while (stack.nextDeadline() <= now) {
                stack.runTimers();
            }
        }
        assertThat(client.connection().sendQueueBytes()).as("everything sent and acknowledged over loopback").isZero();
    }
}
