package org.nbstack.tcp.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nbstack.tcp.stack.StackDriver.MS;
import static org.nbstack.tcp.stack.StackDriver.PEER;
import static org.nbstack.tcp.stack.StackDriver.PORT;
import static org.nbstack.tcp.stack.StackDriver.SEC;
import static org.nbstack.tcp.stack.StackDriver.SERVER;

import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.wire.TcpFlags;
import org.nbstack.tcp.wire.TcpOptions;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * RFC 5961 §10 (CVE-2016-5696): ACKs sent in answer to invalid segments are limited per connection (500 ms,
 * Linux tcp_invalid_ratelimit) and challenge ACKs also by a shard budget drawn at random each second, so an
 * off-path attacker can neither count a fixed budget nor make a connection send an unbounded ACK stream.
 * Exact segment counts in virtual time.
 */
class ChallengeAckBudgetTest {
    private static final int PEER_PORT = 40000;
    private static final int ISN = 1000;

    private static long acks(List<TcpSegment> out) {
        return out.stream().filter(s -> s.flags == TcpFlags.ACK).count();
    }

    @Test
    void synsInASynchronizedStateGetOneChallengeAckPerHalfSecondPerConnection() {
        try (StackDriver d = new StackDriver(StackDriver.config().build())) {
            d.listen(16);
            int serverIsn = d.handshake(PEER_PORT, ISN);
            long sent = 0;
            for (int i = 0; i < 10; i++) {
                List<TcpSegment> out = d.in(PEER_PORT, ISN + 1, 0, TcpFlags.SYN);
                assertThat(out).allMatch(s -> s.flags == TcpFlags.ACK && s.seq == serverIsn + 1 && s.ack == ISN + 1);
                sent += out.size();
            }
            assertThat(sent).as("one challenge ACK for ten SYNs at once").isEqualTo(1);
            d.advance(499 * MS);
            assertThat(d.in(PEER_PORT, ISN + 1, 0, TcpFlags.SYN)).as("499 ms later").isEmpty();
            d.advance(MS);
            assertThat(acks(d.in(PEER_PORT, ISN + 1, 0, TcpFlags.SYN))).as("500 ms later").isEqualTo(1);
            // An out-of-window SYN is challenged on the same budget, so it adds nothing now.
            assertThat(d.in(PEER_PORT, ISN + 500_000, 0, TcpFlags.SYN)).isEmpty();
            assertThat(d.stack.tcpCounters().challengeAcks).isEqualTo(2);
            assertThat(d.stack.tcpCounters().challengeAcksSuppressed).isEqualTo(11);
        }
    }

    @Test
    void outOfWindowSegmentsAndAcksOfUnsentDataAreAnsweredAtMostOncePerHalfSecond() {
        try (StackDriver d = new StackDriver(StackDriver.config().build())) {
            d.listen(16);
            int serverIsn = d.handshake(PEER_PORT, ISN);
            long sent = 0;
            for (int i = 0; i < 10; i++) {
                sent += acks(d.in(PEER_PORT, ISN + 10_000_000, serverIsn + 1, TcpFlags.ACK)); // beyond the window
                sent += acks(d.in(PEER_PORT, ISN + 1, serverIsn + 1_000_000, TcpFlags.ACK)); // acks unsent data
            }
            assertThat(sent).isEqualTo(1);
            assertThat(d.stack.tcpCounters().invalidAcksSuppressed).isEqualTo(9);
            // A retransmission carrying data is always acknowledged (as Linux), or the peer would stall.
            TcpSegment oldData = new TcpSegment(PEER, SERVER, PEER_PORT, PORT, ISN - 99, serverIsn + 1, TcpFlags.ACK,
                    65535, TcpOptions.NONE, Unpooled.wrappedBuffer(new byte[100]));
            assertThat(acks(d.in(oldData))).isEqualTo(1);
        }
    }

    @Test
    void pawsRejectsAreAnsweredAtMostOncePerHalfSecond() {
        StackConfig config = StackDriver.config().tcp(TcpConfig.builder().timestamps(true).build()).build();
        try (StackDriver d = new StackDriver(config)) {
            d.listen(16);
            List<TcpSegment> synAck = d.in(new TcpSegment(PEER, SERVER, PEER_PORT, PORT, ISN, 0, TcpFlags.SYN, 65535,
                    TcpOptions.timestamps(1000, 0), null));
            int serverIsn = synAck.get(0).seq;
            int serverTs = synAck.get(0).options.tsVal;
            d.in(ts(ISN + 1, serverIsn + 1, 1001, serverTs));
            long sent = 0;
            for (int i = 0; i < 10; i++) {
                sent += acks(d.in(ts(ISN + 1, serverIsn + 1, 500, serverTs))); // older timestamp: PAWS (RFC 7323 §5)
            }
            assertThat(d.stack.tcpCounters().pawsRejected).isEqualTo(10);
            assertThat(sent).isEqualTo(1);
            d.advance(500 * MS);
            assertThat(acks(d.in(ts(ISN + 1, serverIsn + 1, 500, serverTs)))).isEqualTo(1);
        }
    }

    private static TcpSegment ts(int seq, int ack, int tsVal, int tsEcr) {
        return new TcpSegment(PEER, SERVER, PEER_PORT, PORT, seq, ack, TcpFlags.ACK, 65535,
                TcpOptions.timestamps(tsVal, tsEcr), null);
    }

    @Test
    void theShardBudgetIsDrawnAtRandomEachSecond() {
        int limit = 10;
        int connections = 40;
        StackConfig config = StackDriver.config().challengeAcksPerSecond(limit).build();
        try (StackDriver d = new StackDriver(config)) {
            d.listen(connections);
            for (int c = 0; c < connections; c++) {
                d.handshake(PEER_PORT + c, ISN);
            }
            List<Long> perSecond = new ArrayList<>();
            for (int round = 0; round < 8; round++) {
                d.advance(SEC);
                long sent = 0;
                for (int c = 0; c < connections; c++) {
                    // In-window but not at RCV.NXT: RFC 5961 §3.2 challenge.
                    sent += acks(d.in(PEER_PORT + c, ISN + 2, 0, TcpFlags.RST));
                }
                perSecond.add(sent);
            }
            assertThat(perSecond).as("each second's budget lies in [limit/2, limit/2 + limit)")
                    .allMatch(n -> n >= limit / 2 && n < limit / 2 + limit);
            assertThat(new HashSet<>(perSecond)).as("and is not a fixed number an attacker could count: " + perSecond)
                    .hasSizeGreaterThan(1);
        }
    }
}
