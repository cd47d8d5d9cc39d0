package org.nbstack.tcp.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * Seed 003 (Q254930) behind a closed window: a connection whose data waits on a zero window must still reach
 * CLOSED in bounded time when nobody will ever read it (an orphan) or when the peer has vanished, while a live
 * peer that keeps its window closed is probed for as long as the application wants (RFC 1122 4.2.2.17).
 * Bounds follow Linux's tcp_probe_timer: unanswered probes count like retransmissions, an orphan gets its
 * orphan retries, TCP_USER_TIMEOUT ends probing too.
 */
class Q254930ZeroWindowPersistTest {
    private static final long MS = 1_000_000L;
    private static final long SEC = 1_000_000_000L;
    private static final TcpConfig SMALL_RECEIVER = TcpConfig.builder().receiveBuffer(64 * 1024).build();
    private ConnectionPair pair;

    @AfterEach
    void release() {
        if (pair != null) {
            pair.close();
        }
    }

    /** Client sends to a server that stops reading, until the server's window is closed and all is acknowledged. */
    private void clientBlockedOnZeroWindow(TcpConfig config) {
        pair = ConnectionPair.of(config).open();
        assertThat(pair.runUntil(() -> pair.client.established && pair.server.established, 5 * SEC)).isTrue();
        pair.server.autoConsume = false;
        pair.client.write(data(300_000));
        assertThat(pair.runUntil(() -> pair.client.conn.peerWindow() == 0
                && pair.client.conn.sndNxt() == pair.client.conn.sndUna(), 10 * SEC)).isTrue();
        assertThat(pair.client.conn.sendQueueBytes()).isPositive(); // data waits on the closed window
    }

    /** The longest probing may last from its start: every probe interval up to {@code probes}, capped at RTO max. */
    private static long probeBound(TcpConfig c, long rto, int probes) {
        long sum = 0;
        for (int k = 0; k <= probes; k++) {
            sum += Math.min(c.rtoMaxNanos(), Math.max(c.rtoMinNanos(), rto << Math.min(k, 20)));
        }
        return sum + SEC;
    }

    @Test
    void orphanWithDataQueuedAgainstALiveZeroWindowIsAbortedAfterItsOrphanRetries() {
        clientBlockedOnZeroWindow(SMALL_RECEIVER);
        long closeAt = pair.now;
        long rto = pair.client.conn.rtoNanos();
        pair.client.conn.close(pair.now); // the application is gone; a FIN waits behind the queued data
        assertThat(pair.client.state()).isEqualTo(TcpState.FIN_WAIT_1);

        assertThat(pair.runUntil(() -> pair.client.closed(), 3600 * SEC)).isTrue();
        assertThat(pair.client.closedReason).isEqualTo(CloseReason.PERSIST_TIMEOUT);
        assertThat(pair.client.closedAt - closeAt).isLessThanOrEqualTo(probeBound(SMALL_RECEIVER, rto,
                SMALL_RECEIVER.orphanRetries()));
        // The orphan's probes since the window closed are its orphan retries, answered or not.
        assertThat(pair.counters.persistProbes).isEqualTo(SMALL_RECEIVER.orphanRetries());
        assertThat(pair.counters.persistTimeouts).isEqualTo(1);
        // The RST tells the live peer its connection is gone.
        pair.runFor(SEC);
        assertThat(pair.server.closedReason).isEqualTo(CloseReason.RESET_BY_PEER);
    }

    @Test
    void orphanWhosePeerVanishedAfterClosingItsWindowIsAborted() {
        clientBlockedOnZeroWindow(SMALL_RECEIVER);
        pair.dropFilter = (seg, fromClient) -> true; // the peer vanishes
        long closeAt = pair.now;
        long rto = pair.client.conn.rtoNanos();
        pair.client.conn.close(pair.now);

        assertThat(pair.runUntil(() -> pair.client.closed(), 3600 * SEC)).isTrue();
        assertThat(pair.client.closedReason).isEqualTo(CloseReason.PERSIST_TIMEOUT);
        assertThat(pair.client.closedAt - closeAt).isLessThanOrEqualTo(probeBound(SMALL_RECEIVER, rto,
                SMALL_RECEIVER.orphanRetries()));
    }

    @Test
    void establishedConnectionWithoutKeepaliveDetectsAPeerThatVanishedBehindAZeroWindow() {
        clientBlockedOnZeroWindow(SMALL_RECEIVER);
        assertThat(SMALL_RECEIVER.keepAlive()).isFalse();
        long probesBefore = pair.counters.persistProbes;
        pair.dropFilter = (seg, fromClient) -> true;
        long vanishedAt = pair.now;
        long rto = pair.client.conn.rtoNanos();

        assertThat(pair.runUntil(() -> pair.client.closed(), 3 * 3600 * SEC)).isTrue();
        assertThat(pair.client.closedReason).isEqualTo(CloseReason.PERSIST_TIMEOUT);
        // Exactly the retry limit of unanswered probes, as for retransmissions (RFC 9293 §3.8.3 R2).
        assertThat(pair.counters.persistProbes - probesBefore).isEqualTo(SMALL_RECEIVER.dataRetries());
        assertThat(pair.client.closedAt - vanishedAt).isLessThanOrEqualTo(probeBound(SMALL_RECEIVER, rto,
                SMALL_RECEIVER.dataRetries()));
    }

    @Test
    void liveZeroWindowPeerIsProbedForAsLongAsItAnswers() {
        clientBlockedOnZeroWindow(SMALL_RECEIVER);
        pair.runFor(2 * 3600 * SEC); // RFC 1122 4.2.2.17: a receiver may keep its window closed indefinitely
        assertThat(pair.client.state()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(pair.counters.persistProbes).isGreaterThan(60); // one every 2 minutes at most
        pair.server.autoConsume = true;
        pair.server.consumeHeld();
        assertThat(pair.runUntil(() -> pair.server.received == 300_000, 300 * SEC)).isTrue();
    }

    @Test
    void userTimeoutEndsProbingOfALiveZeroWindow() {
        TcpConfig config = SMALL_RECEIVER.toBuilder().userTimeout(Duration.ofSeconds(30)).build();
        clientBlockedOnZeroWindow(config);
        long lastAck = pair.now;
        assertThat(pair.runUntil(() -> pair.client.closed(), 3600 * SEC)).isTrue();
        assertThat(pair.client.closedReason).isEqualTo(CloseReason.USER_TIMEOUT);
        assertThat(pair.client.closedAt - lastAck).isBetween(29 * SEC, 31 * SEC);
    }

    /**
     * The abuse case: a client advertises a zero window from its SYN on, asks for something the server refuses,
     * and the server queues its refusal and closes gracefully. The FIN waits behind the refusal, which waits on
     * the window; the orphaned FIN_WAIT_1 must not live forever.
     */
    @Test
    void gracefulCloseBehindAClientThatNeverOpensItsWindowEnds() {
        pair = ConnectionPair.of(TcpConfig.DEFAULT);
        pair.rewrite = (seg, fromClient) -> fromClient ? withWindow(seg, 0) : seg;
        pair.open();
        assertThat(pair.runUntil(() -> pair.client.established && pair.server.established, 5 * SEC)).isTrue();
        pair.client.write(new byte[] {(byte) 0x81, 0, 0, 68}); // the request the server refuses
        pair.runFor(100 * MS);
        pair.server.write(new byte[] {(byte) 0x83, 0, 0, 1, (byte) 0x82}); // NEGATIVE SESSION RESPONSE
        long closeAt = pair.now;
        pair.server.conn.close(pair.now);
        assertThat(pair.server.state()).isEqualTo(TcpState.FIN_WAIT_1);

        assertThat(pair.runUntil(() -> pair.server.closed(), 24 * 3600 * SEC)).isTrue();
        assertThat(pair.server.closedReason).isEqualTo(CloseReason.PERSIST_TIMEOUT);
        assertThat(pair.server.closedAt - closeAt).isLessThanOrEqualTo(probeBound(TcpConfig.DEFAULT,
                TcpConfig.DEFAULT.rtoInitialNanos(), TcpConfig.DEFAULT.orphanRetries()));
        assertThat(pair.counters.connectionsIn(TcpState.FIN_WAIT_1)).isZero();
    }

    static TcpSegment withWindow(TcpSegment seg, int window) {
        return new TcpSegment(seg.srcAddr, seg.dstAddr, seg.srcPort, seg.dstPort, seg.seq, seg.ack, seg.flags,
                window, seg.options, seg.payload);
    }

    static byte[] data(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }
}
