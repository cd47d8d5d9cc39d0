package org.nbstack.tcp.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.wire.TcpFlags;

class TcpConnectionTest {
    private static final long MS = 1_000_000L;
    private static final long SEC = 1_000_000_000L;
    private ConnectionPair pair;

    @AfterEach
    void release() {
        if (pair != null) {
            pair.close();
        }
    }

    private ConnectionPair established(TcpConfig config) {
        pair = ConnectionPair.of(config).open();
        pair.dropFilter = (seg, fromClient) -> {
            if (!fromClient && seg.options.hasTimestamps) {
                lastTimestampFromServer = seg.options.tsVal;
            }
            return false;
        };
        assertThat(pair.runUntil(() -> pair.client.established && pair.server.established, 5 * SEC)).isTrue();
        return pair;
    }

    private static byte[] data(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    @Test
    void handshakeNegotiatesTimestampsSackAndWindowScale() {
        established(TcpConfig.DEFAULT);
        TcpConnection c = pair.client.conn;
        TcpConnection s = pair.server.conn;
        assertThat(c.state()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(s.state()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(c.timestampsEnabled()).isTrue();
        assertThat(s.sackEnabled()).isTrue();
        assertThat(c.sendWindowScale()).isEqualTo(TcpConfig.DEFAULT.effectiveWindowScale());
        assertThat(c.sendMss()).isEqualTo(1460 - 12);
        assertThat(c.irs()).isEqualTo(s.iss());
        // Established within one RTT of the SYN (2 ms) plus the final ACK's delay.
        assertThat(pair.server.establishedAt - 1_000_000_000L).isLessThanOrEqualTo(3 * MS);
    }

    @Test
    void withoutOptionsOnOneSideNothingIsNegotiated() {
        TcpConfig plain = TcpConfig.builder().timestamps(false).sack(false).windowScale(0).build();
        pair = new ConnectionPair(TcpConfig.DEFAULT, plain, 1, 2, MS).open();
        pair.runUntil(() -> pair.client.established && pair.server.established, 5 * SEC);
        assertThat(pair.client.conn.timestampsEnabled()).isFalse();
        assertThat(pair.client.conn.sackEnabled()).isFalse();
        assertThat(pair.client.conn.sendMss()).isEqualTo(1460);
    }

    @Test
    void bulkTransferIsByteExactInBothDirections() throws Exception {
        established(TcpConfig.DEFAULT);
        byte[] up = data(3_000_000, 1);
        byte[] down = data(2_000_000, 2);
        writeAll(pair.client, up);
        writeAll(pair.server, down);
        pair.runUntil(() -> pair.server.received == up.length && pair.client.received == down.length, 60 * SEC);
        assertThat(pair.server.digest.digest()).isEqualTo(sha256(up));
        assertThat(pair.client.digest.digest()).isEqualTo(sha256(down));
        assertThat(pair.counters.retransmittedSegments).isZero();
    }

    /** Writes as the send buffer allows, running the pair in between. */
    private void writeAll(ConnectionPair.Side side, byte[] bytes) {
        int[] off = {0};
        Runnable pump = () -> {
            while (off[0] < bytes.length && side.conn.sendSpace() > 0) {
                int n = Math.min(side.conn.sendSpace(), Math.min(65536, bytes.length - off[0]));
                side.conn.write(ConnectionPair.ALLOC.buffer(n).writeBytes(bytes, off[0], n));
                off[0] += n;
            }
            side.conn.flush(pair.now);
        };
        pump.run();
        pendingPumps.add(pump);
        pair.runUntil(() -> {
            pendingPumps.forEach(Runnable::run);
            return off[0] == bytes.length;
        }, 120 * SEC);
    }

    private final java.util.List<Runnable> pendingPumps = new java.util.ArrayList<>();

    @Test
    void activeCloseByClientEndsInTimeWaitForExactly2Msl() {
        established(TcpConfig.DEFAULT);
        pair.client.conn.close(pair.now);
        pair.runUntil(() -> pair.server.peerFin, SEC);
        assertThat(pair.server.state()).isEqualTo(TcpState.CLOSE_WAIT);
        pair.server.conn.close(pair.now);
        pair.runUntil(() -> pair.server.closed(), SEC);
        assertThat(pair.server.closedReason).isEqualTo(CloseReason.NORMAL);
        assertThat(pair.client.state()).isEqualTo(TcpState.TIME_WAIT);
        long enteredTimeWait = pair.now - MS; // the client entered TIME_WAIT one delay before the server closed
        pair.runUntil(() -> pair.client.closed(), 120 * SEC);
        assertThat(pair.client.closedAt - enteredTimeWait).isBetween(60 * SEC - 2 * MS, 60 * SEC + 2 * MS);
    }

    @Test
    void simultaneousCloseGoesThroughClosingOnBothSides() {
        established(TcpConfig.DEFAULT);
        pair.client.conn.close(pair.now);
        pair.server.conn.close(pair.now);
        assertThat(pair.client.state()).isEqualTo(TcpState.FIN_WAIT_1);
        pair.runUntil(() -> pair.client.state() == TcpState.TIME_WAIT && pair.server.state() == TcpState.TIME_WAIT, SEC);
        assertThat(pair.client.state()).isEqualTo(TcpState.TIME_WAIT);
        assertThat(pair.server.state()).isEqualTo(TcpState.TIME_WAIT);
        pair.runUntil(pair::bothClosed, 70 * SEC);
        assertThat(pair.bothClosed()).isTrue();
    }

    @Test
    void halfCloseKeepsTheOtherDirectionOpen() throws Exception {
        established(TcpConfig.DEFAULT);
        pair.client.conn.shutdownOutput(pair.now);
        pair.runUntil(() -> pair.server.peerFin && pair.client.state() == TcpState.FIN_WAIT_2, SEC);
        assertThat(pair.server.state()).isEqualTo(TcpState.CLOSE_WAIT);
        assertThat(pair.client.state()).isEqualTo(TcpState.FIN_WAIT_2);
        byte[] reply = data(200_000, 3);
        writeAll(pair.server, reply);
        pair.runUntil(() -> pair.client.received == reply.length, 10 * SEC);
        assertThat(pair.client.digest.digest()).isEqualTo(sha256(reply));
        pair.server.conn.close(pair.now);
        pair.runUntil(() -> pair.server.closed(), SEC);
        assertThat(pair.client.state()).isEqualTo(TcpState.TIME_WAIT);
    }

    @Test
    void lostSegmentIsRepairedByFastRetransmitWithSack() throws Exception {
        established(TcpConfig.DEFAULT);
        int[] dataSegments = {0};
        pair.dropFilter = (seg, fromClient) -> fromClient && seg.payloadLength() > 0 && ++dataSegments[0] == 5;
        byte[] up = data(500_000, 4);
        writeAll(pair.client, up);
        pair.runUntil(() -> pair.server.received == up.length, 30 * SEC);
        assertThat(pair.server.digest.digest()).isEqualTo(sha256(up));
        assertThat(pair.counters.fastRetransmits).isEqualTo(1);
        assertThat(pair.counters.retransmitTimeouts).isZero();
    }

    @Test
    void lostSegmentIsRepairedByNewRenoWithoutSack() throws Exception {
        TcpConfig noSack = TcpConfig.builder().sack(false).build();
        established(noSack);
        int[] dataSegments = {0};
        pair.dropFilter = (seg, fromClient) -> fromClient && seg.payloadLength() > 0
                && (++dataSegments[0] == 5 || dataSegments[0] == 8);
        byte[] up = data(500_000, 5);
        writeAll(pair.client, up);
        pair.runUntil(() -> pair.server.received == up.length, 30 * SEC);
        assertThat(pair.server.digest.digest()).isEqualTo(sha256(up));
        assertThat(pair.counters.fastRetransmits).isEqualTo(1);
        assertThat(pair.counters.retransmitTimeouts).isZero();
    }

    @Test
    void transferAcrossTheSequenceWrapIsByteExact() throws Exception {
        pair = new ConnectionPair(TcpConfig.DEFAULT, TcpConfig.DEFAULT, -1000, -50, MS).open();
        pair.runUntil(() -> pair.client.established && pair.server.established, 5 * SEC);
        byte[] up = data(1_000_000, 6);
        writeAll(pair.client, up);
        pair.runUntil(() -> pair.server.received == up.length, 30 * SEC);
        assertThat(pair.server.digest.digest()).isEqualTo(sha256(up));
        assertThat(Integer.compareUnsigned(pair.client.conn.sndUna(), 1_000_000)).isLessThan(0); // it wrapped
    }

    @Test
    void zeroWindowIsProbedAndTransferResumesWhenTheReaderReadsAgain() throws Exception {
        TcpConfig small = TcpConfig.builder().receiveBuffer(64 * 1024).build();
        established(small);
        pair.server.autoConsume = false;
        byte[] up = data(300_000, 7);
        int[] off = {0};
        Runnable pump = () -> {
            while (off[0] < up.length && pair.client.conn.sendSpace() > 0) {
                int n = Math.min(pair.client.conn.sendSpace(), up.length - off[0]);
                pair.client.conn.write(ConnectionPair.ALLOC.buffer(n).writeBytes(up, off[0], n));
                off[0] += n;
            }
            pair.client.conn.flush(pair.now);
        };
        pump.run();
        pair.runFor(30 * SEC);
        assertThat(pair.client.conn.peerWindow()).isZero();
        assertThat(pair.counters.persistProbes).isGreaterThan(3);
        assertThat(pair.client.state()).isEqualTo(TcpState.ESTABLISHED);
        long heldBytes = pair.server.held.stream().mapToLong(b -> b.readableBytes()).sum();
        assertThat(heldBytes).isLessThanOrEqualTo(64 * 1024 + 1460);
        pair.server.autoConsume = true;
        pair.server.consumeHeld();
        pair.runUntil(() -> {
            pump.run();
            return pair.server.received == up.length;
        }, 300 * SEC);
        assertThat(pair.server.digest.digest()).isEqualTo(sha256(up));
    }

    @Test
    void exactResetClosesAndInWindowResetGetsAChallengeAck() {
        established(TcpConfig.DEFAULT);
        TcpConnection s = pair.server.conn;
        int rcvNxt = s.rcvNxt();
        long challengesBefore = pair.counters.challengeAcks;
        s.segmentArrived(pair.now, new org.nbstack.tcp.wire.TcpSegment(ConnectionPair.CLIENT_ADDR, ConnectionPair.SERVER_ADDR,
                40000, 139, rcvNxt + 100, 0, TcpFlags.RST, 0, null, null));
        assertThat(s.state()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(pair.counters.challengeAcks).isEqualTo(challengesBefore + 1);
        s.segmentArrived(pair.now, new org.nbstack.tcp.wire.TcpSegment(ConnectionPair.CLIENT_ADDR, ConnectionPair.SERVER_ADDR,
                40000, 139, rcvNxt, 0, TcpFlags.RST, 0, null, null));
        assertThat(s.state()).isEqualTo(TcpState.CLOSED);
        assertThat(pair.server.closedReason).isEqualTo(CloseReason.RESET_BY_PEER);
    }

    @Test
    void keepaliveDetectsAVanishedPeer() {
        TcpConfig ka = TcpConfig.builder().keepAlive(true).keepAliveIdle(Duration.ofSeconds(10))
                .keepAliveInterval(Duration.ofSeconds(2)).keepAliveCount(3).build();
        established(ka);
        pair.dropFilter = (seg, fromClient) -> true; // the network dies
        pair.runUntil(() -> pair.client.closed(), 60 * SEC);
        assertThat(pair.client.closedReason).isEqualTo(CloseReason.KEEPALIVE_TIMEOUT);
        // idle 10 s + 3 probes 2 s apart, then the failed count is noticed one interval later
        assertThat(pair.client.closedAt - pair.client.establishedAt).isBetween(15 * SEC, 18 * SEC);
    }

    @Test
    void userTimeoutAbortsWhenDataStaysUnacknowledged() {
        TcpConfig ut = TcpConfig.builder().userTimeout(Duration.ofSeconds(5)).build();
        established(ut);
        pair.dropFilter = (seg, fromClient) -> true;
        pair.client.write(data(1000, 8));
        long start = pair.now;
        pair.runUntil(() -> pair.client.closed(), 60 * SEC);
        assertThat(pair.client.closedReason).isEqualTo(CloseReason.USER_TIMEOUT);
        assertThat(pair.client.closedAt - start).isBetween(5 * SEC - MS, 5 * SEC + 10 * MS);
    }

    @Test
    void oldTimestampIsRejectedByPaws() {
        established(TcpConfig.DEFAULT);
        pair.client.write(data(100, 9));
        pair.runFor(100 * MS);
        TcpConnection s = pair.server.conn;
        long before = pair.counters.pawsRejected;
        long receivedBefore = pair.server.received;
        var stale = new org.nbstack.tcp.wire.TcpSegment(ConnectionPair.CLIENT_ADDR, ConnectionPair.SERVER_ADDR, 40000, 139,
                s.rcvNxt(), s.sndNxt(), TcpFlags.ACK, 1000, org.nbstack.tcp.wire.TcpOptions.timestamps(1, 0),
                ConnectionPair.ALLOC.buffer(10).writeZero(10));
        s.segmentArrived(pair.now, stale);
        assertThat(pair.counters.pawsRejected).isEqualTo(before + 1);
        assertThat(pair.server.received).isEqualTo(receivedBefore);
    }

    @Test
    void unansweredSynIsRetriedWithBackoffThenTheConnectTimesOut() {
        pair = ConnectionPair.of(TcpConfig.DEFAULT);
        pair.dropFilter = (seg, fromClient) -> true;
        java.util.List<Long> synTimes = new java.util.ArrayList<>();
        pair.dropFilter = (seg, fromClient) -> {
            if (fromClient && seg.has(TcpFlags.SYN)) {
                synTimes.add(pair.now);
            }
            return true;
        };
        long start = pair.now;
        pair.open();
        pair.runUntil(() -> pair.client.closed(), 300 * SEC);
        assertThat(pair.client.closedReason).isEqualTo(CloseReason.CONNECT_TIMEOUT);
        // Linux's tcp_syn_retries = 6: SYN at 0, then after 1, 2, 4, 8, 16, 32 s; give up 64 s later.
        assertThat(synTimes).hasSize(7);
        for (int i = 1; i < synTimes.size(); i++) {
            assertThat(synTimes.get(i) - synTimes.get(i - 1)).isEqualTo((1L << (i - 1)) * SEC);
        }
        assertThat(pair.client.closedAt - start).isEqualTo(127 * SEC);
    }

    @Test
    void delayedAckWaitsAtMost40msAndAcksEverySecondFullSegment() {
        established(TcpConfig.DEFAULT);
        java.util.List<Long> acks = new java.util.ArrayList<>();
        pair.dropFilter = (seg, fromClient) -> {
            if (!fromClient && seg.payloadLength() == 0 && seg.has(TcpFlags.ACK)) {
                acks.add(pair.now);
            }
            return false;
        };
        long sent = pair.now;
        pair.client.write(data(100, 10)); // one small segment: its ACK is delayed
        pair.runFor(100 * MS);
        assertThat(acks).hasSize(1);
        assertThat(acks.get(0) - sent).isEqualTo(1 * MS + 40 * MS);
        acks.clear();
        pair.client.conn.reconfigure(pair.now, TcpConfig.builder().noDelay(true).build());
        pair.client.write(data(2 * 1448, 11)); // two full segments: acknowledged at once
        pair.runFor(10 * MS);
        assertThat(acks).hasSize(1);
    }

    @Test
    void nagleHoldsSmallSegmentsWhileDataIsUnacknowledgedAndNoDelayDoesNot() {
        established(TcpConfig.DEFAULT);
        int[] small = {0};
        pair.dropFilter = (seg, fromClient) -> {
            if (fromClient && seg.payloadLength() > 0) {
                small[0]++;
            }
            return false;
        };
        pair.client.write(data(10, 12));
        pair.client.write(data(10, 13)); // Nagle: waits for the first one's ACK
        assertThat(small[0]).isEqualTo(1);
        pair.runFor(100 * MS);
        assertThat(small[0]).isEqualTo(2);

        pair.client.conn.reconfigure(pair.now, TcpConfig.builder().noDelay(true).build());
        small[0] = 0;
        pair.client.write(data(10, 14));
        pair.client.write(data(10, 15));
        assertThat(small[0]).isEqualTo(2);
        pair.runFor(100 * MS);
        assertThat(pair.server.received).isEqualTo(40);
    }

    @Test
    void outOfOrderDataIsBoundedAndSackedAndTheRestIsRetransmitted() throws Exception {
        TcpConfig bounded = TcpConfig.builder().maxOutOfOrderBytes(4 * 1448).build();
        established(bounded);
        int[] dataSegments = {0};
        pair.dropFilter = (seg, fromClient) -> fromClient && seg.payloadLength() > 0 && ++dataSegments[0] == 1;
        byte[] up = data(60_000, 16);
        writeAll(pair.client, up);
        pair.runUntil(() -> pair.server.received == up.length, 30 * SEC);
        assertThat(pair.server.digest.digest()).isEqualTo(sha256(up));
        assertThat(pair.counters.outOfOrderDropped).as("beyond the bound, out-of-order data is dropped").isPositive();
    }

    @Test
    void newIncarnationInTimeWaitIsJudgedByTimestampThenBySequenceNumber() {
        established(TcpConfig.DEFAULT);
        pair.client.conn.close(pair.now);
        pair.runUntil(() -> pair.server.peerFin, SEC);
        pair.server.conn.close(pair.now);
        pair.runUntil(() -> pair.client.state() == TcpState.TIME_WAIT && pair.server.closed(), SEC);
        TcpConnection timeWait = pair.client.conn;
        int rcvNxt = timeWait.rcvNxt();
        int tsRecent = lastTimestampFromServer;
        java.util.function.BiFunction<Integer, Integer, org.nbstack.tcp.wire.TcpSegment> syn = (seq, ts) ->
                new org.nbstack.tcp.wire.TcpSegment(ConnectionPair.SERVER_ADDR, ConnectionPair.CLIENT_ADDR, 139, 40000, seq, 0,
                        TcpFlags.SYN, 65535, org.nbstack.tcp.wire.TcpOptions.timestamps(ts, 0), null);
        // RFC 6191 §2: a newer timestamp is enough; an older one is never enough.
        assertThat(timeWait.acceptsNewIncarnation(syn.apply(rcvNxt - 10, tsRecent + 1))).isTrue();
        assertThat(timeWait.acceptsNewIncarnation(syn.apply(rcvNxt + 10, tsRecent - 1))).isFalse();
        // An equal timestamp (a reconnect within the peer's clock tick) falls back to the sequence number.
        assertThat(timeWait.acceptsNewIncarnation(syn.apply(rcvNxt + 10, tsRecent))).isTrue();
        assertThat(timeWait.acceptsNewIncarnation(syn.apply(rcvNxt - 10, tsRecent))).isFalse();
    }

    private int lastTimestampFromServer;
}
