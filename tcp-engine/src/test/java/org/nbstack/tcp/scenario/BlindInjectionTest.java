package org.nbstack.tcp.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nbstack.tcp.scenario.TwoHosts.MS;
import static org.nbstack.tcp.scenario.TwoHosts.SEC;

import io.netty.buffer.ByteBuf;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.core.CloseReason;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.core.TcpConnection;
import org.nbstack.tcp.core.TcpState;
import org.nbstack.tcp.link.LinkFaults;
import org.nbstack.tcp.sim.SimNode;
import org.nbstack.tcp.sim.SimPacketOutput;
import org.nbstack.tcp.wire.Ipv4;
import org.nbstack.tcp.wire.PacketCodec;
import org.nbstack.tcp.wire.TcpFlags;
import org.nbstack.tcp.wire.TcpOptions;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * An off-path attacker (RFC 5961) knows the 4-tuple and roughly where the receive window is, and sprays
 * the server with forged RSTs, SYNs and data claiming to come from the client. The connection must
 * survive, the stream must stay byte-exact, and challenge ACKs must stay within their rate limit.
 */
class BlindInjectionTest {
    private static final int ATTACKER_ADDR = Ipv4.parse("10.0.0.66");

    /** Sends forged segments into the world; receives nothing of interest. */
    static final class Attacker implements SimNode {
        final SimPacketOutput out;
        final io.netty.buffer.ByteBufAllocator alloc;

        Attacker(SimPacketOutput out, io.netty.buffer.ByteBufAllocator alloc) {
            this.out = out;
            this.alloc = alloc;
        }

        void forge(TcpSegment seg) {
            try {
                out.send(PacketCodec.encode(seg, alloc));
            } finally {
                seg.release();
            }
        }

        @Override
        public void receive(long nowNanos, ByteBuf ipPacket) {
            ipPacket.release();
        }

        @Override
        public void advance(long nowNanos) {
        }

        @Override
        public long nextDeadline() {
            return Long.MAX_VALUE;
        }
    }

    @Test
    void forgedResetsSynsAndDataNeitherKillNorCorruptTheConnection() {
        try (TwoHosts h = TwoHosts.of(5961, TcpConfig.DEFAULT, LinkFaults.PERFECT.withDelay(MS, 0))) {
            Attacker attacker = h.world.addNode("attacker", out -> new Attacker(out, h.alloc), ATTACKER_ADDR);
            Endpoint server = h.newEndpoint("server");
            server.closeOnPeerFin = true;
            h.listen(() -> server);
            long bytes = 50L << 20;
            Endpoint client = h.newEndpoint("client").sending(bytes);
            client.closeWhenSent = true;
            h.connect(client);
            assertThat(h.run(() -> server.received > 1 << 20, 10 * SEC)).isTrue();

            SplittableRandom random = new SplittableRandom(66);
            int clientPort = client.conn.connection().id().localPort();
            long forged = 0;
            long attackStart = h.world.now();
            for (int round = 0; round < 200 && !server.closed(); round++) {
                TcpConnection victim = server.conn.connection();
                int rcvNxt = victim.rcvNxt();
                int window = 1 << 20;
                for (int i = 0; i < 100; i++) {
                    // Near-window guesses never hit RCV.NXT exactly: that 1-in-2^32 guess is the residual risk RFC 5961 accepts.
                    int nearSeq = rcvNxt + 1 + random.nextInt(window);
                    int blindSeq = random.nextInt();
                    // ACK values outside [SND.UNA - MAX.SND.WND, SND.NXT] (RFC 5961 §5.2) except by blind luck.
                    int staleAck = victim.sndUna() - (1 << 22) - random.nextInt(1 << 28);
                    attacker.forge(forged(clientPort, nearSeq, 0, TcpFlags.RST, 0, h));
                    attacker.forge(forged(clientPort, blindSeq, 0, TcpFlags.RST, 0, h));
                    attacker.forge(forged(clientPort, nearSeq, 0, TcpFlags.SYN, 0, h));
                    attacker.forge(forged(clientPort, nearSeq, staleAck, TcpFlags.ACK | TcpFlags.PSH, 100, h));
                    attacker.forge(forged(clientPort, blindSeq, random.nextInt(), TcpFlags.ACK, 100, h));
                    forged += 5;
                }
                h.world.runFor(10 * MS);
            }
            long attackSeconds = Math.max(1, (h.world.now() - attackStart) / SEC + 1);
            boolean done = h.run(() -> server.received == bytes && client.closed() && server.closed(), 600 * SEC);
            assertThat(done).as(h.describe()).isTrue();
            assertThat(forged).isEqualTo(100_000);
            assertThat(server.receivedExactly(client)).as("byte-exact despite injected data").isTrue();
            assertThat(client.closedReason).isEqualTo(CloseReason.NORMAL);
            assertThat(server.closedReason).isEqualTo(CloseReason.NORMAL);
            long challenges = h.server.tcpCounters().challengeAcks;
            assertThat(challenges).as("challenge ACKs within the 1000/s limit").isPositive()
                    .isLessThanOrEqualTo(1000 * (attackSeconds + 1));
            assertThat(h.server.tcpCounters().challengeAcksSuppressed).as("challenge ACKs held back").isPositive();
        }
    }

    private static TcpSegment forged(int clientPort, int seq, int ack, int flags, int payload, TwoHosts h) {
        ByteBuf data = payload == 0 ? null : h.alloc.heapBuffer(payload).writeBytes(new byte[payload]);
        return new TcpSegment(TwoHosts.CLIENT_ADDR, TwoHosts.SERVER_ADDR, clientPort, TwoHosts.PORT, seq, ack, flags, 65535,
                TcpOptions.NONE, data);
    }

    @Test
    void aResetExactlyAtRcvNxtStillCloses() {
        try (TwoHosts h = TwoHosts.of(5962, TcpConfig.builder().timestamps(false).build(),
                LinkFaults.PERFECT.withDelay(MS, 0))) {
            Attacker attacker = h.world.addNode("attacker", out -> new Attacker(out, h.alloc), ATTACKER_ADDR);
            Endpoint server = h.newEndpoint("server");
            h.listen(() -> server);
            Endpoint client = h.newEndpoint("client");
            h.connect(client);
            assertThat(h.run(() -> server.conn != null && server.state() == TcpState.ESTABLISHED, SEC)).isTrue();
            // RFC 9293 §3.10.7.4 / RFC 5961 §3.2: only the exact sequence number resets a connection.
            attacker.forge(forged(client.conn.connection().id().localPort(), server.conn.connection().rcvNxt(), 0,
                    TcpFlags.RST, 0, h));
            assertThat(h.run(server::closed, SEC)).isTrue();
            assertThat(server.closedReason).isEqualTo(CloseReason.RESET_BY_PEER);
        }
    }
}
