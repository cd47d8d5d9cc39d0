package org.nbstack.tcp.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.wire.TcpFlags;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * Two decisions about FINs, documented in docs/engine/closing-and-persist.md: a bare FIN is accepted by a zero
 * receive window (as Linux does), and in TIME_WAIT only a retransmission of the peer's own FIN restarts 2*MSL.
 */
class ClosingDecisionsTest {
    private static final long MS = 1_000_000L;
    private static final long SEC = 1_000_000_000L;
    private ConnectionPair pair;

    @AfterEach
    void release() {
        if (pair != null) {
            pair.close();
        }
    }

    private void established(TcpConfig config) {
        pair = ConnectionPair.of(config).open();
        assertThat(pair.runUntil(() -> pair.client.established && pair.server.established, 5 * SEC)).isTrue();
    }

    private static TcpSegment fromClient(int seq, int ack, int flags) {
        return new TcpSegment(ConnectionPair.CLIENT_ADDR, ConnectionPair.SERVER_ADDR, 40000, 139, seq, ack, flags, 1000,
                null, null);
    }

    private static TcpSegment fromServer(int seq, int ack, int flags) {
        return new TcpSegment(ConnectionPair.SERVER_ADDR, ConnectionPair.CLIENT_ADDR, 139, 40000, seq, ack, flags, 1000,
                null, null);
    }

    @Test
    void bareFinIsAcceptedByAZeroReceiveWindow() {
        established(TcpConfig.builder().receiveBuffer(64 * 1024).build());
        pair.server.autoConsume = false;
        pair.client.write(new byte[300_000]);
        assertThat(pair.runUntil(() -> pair.client.conn.peerWindow() == 0
                && pair.client.conn.sndNxt() == pair.client.conn.sndUna(), 10 * SEC)).isTrue();
        TcpConnection s = pair.server.conn;
        int rcvNxt = s.rcvNxt();
        s.segmentArrived(pair.now, fromClient(rcvNxt, s.sndNxt(), TcpFlags.FIN | TcpFlags.ACK));
        assertThat(s.state()).isEqualTo(TcpState.CLOSE_WAIT);
        assertThat(pair.server.peerFin).isTrue();
        assertThat(s.rcvNxt()).isEqualTo(rcvNxt + 1);
        // The data before the FIN is still there for the application to read.
        assertThat(s.receiveQueueBytes()).isPositive();
    }

    @Test
    void finWithDataIsNotTakenByAZeroWindow() {
        established(TcpConfig.builder().receiveBuffer(64 * 1024).build());
        pair.server.autoConsume = false;
        pair.client.write(new byte[300_000]);
        assertThat(pair.runUntil(() -> pair.client.conn.peerWindow() == 0
                && pair.client.conn.sndNxt() == pair.client.conn.sndUna(), 10 * SEC)).isTrue();
        TcpConnection s = pair.server.conn;
        int rcvNxt = s.rcvNxt();
        s.segmentArrived(pair.now, new TcpSegment(ConnectionPair.CLIENT_ADDR, ConnectionPair.SERVER_ADDR, 40000, 139,
                rcvNxt, s.sndNxt(), TcpFlags.FIN | TcpFlags.ACK, 1000, null,
                io.netty.buffer.Unpooled.wrappedBuffer(new byte[10])));
        assertThat(s.state()).isEqualTo(TcpState.ESTABLISHED); // the FIN follows data that does not fit
        assertThat(s.rcvNxt()).isEqualTo(rcvNxt);
    }

    /** The client closes first and reaches TIME_WAIT; returns when it entered it. */
    private long clientInTimeWait() {
        established(TcpConfig.DEFAULT);
        pair.client.conn.close(pair.now);
        pair.runUntil(() -> pair.server.peerFin, SEC);
        pair.server.conn.close(pair.now);
        pair.runUntil(() -> pair.server.closed(), SEC);
        assertThat(pair.client.state()).isEqualTo(TcpState.TIME_WAIT);
        return pair.now - MS; // one delay before the server closed
    }

    @Test
    void retransmittedPeerFinRestartsTimeWait() {
        long entered = clientInTimeWait();
        pair.runFor(30 * SEC);
        TcpConnection c = pair.client.conn;
        long sentBefore = pair.counters.segmentsSent;
        c.segmentArrived(pair.now, fromServer(c.rcvNxt() - 1, c.sndNxt(), TcpFlags.FIN | TcpFlags.ACK));
        assertThat(pair.counters.segmentsSent - sentBefore).isEqualTo(1); // the ACK again
        long restarted = pair.now;
        pair.runUntil(() -> pair.client.closed(), 200 * SEC);
        assertThat(pair.client.closedAt - restarted).isEqualTo(TcpConfig.DEFAULT.timeWaitNanos());
        assertThat(pair.client.closedAt - entered).isGreaterThan(TcpConfig.DEFAULT.timeWaitNanos());
    }

    @Test
    void finAtAnyOtherSequenceNumberDoesNotExtendTimeWait() {
        long entered = clientInTimeWait();
        TcpConnection c = pair.client.conn;
        for (int i = 1; i <= 50; i++) { // a forger trying to keep the entry alive
            pair.runFor(SEC);
            c.segmentArrived(pair.now, fromServer(c.rcvNxt() + 1000 * i, c.sndNxt(), TcpFlags.FIN | TcpFlags.ACK));
        }
        pair.runUntil(() -> pair.client.closed(), 200 * SEC);
        assertThat(pair.client.closedAt - entered).isBetween(TcpConfig.DEFAULT.timeWaitNanos() - 2 * MS,
                TcpConfig.DEFAULT.timeWaitNanos() + 2 * MS);
    }
}
