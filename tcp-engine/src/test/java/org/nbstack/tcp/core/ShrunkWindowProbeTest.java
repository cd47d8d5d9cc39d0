package org.nbstack.tcp.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * RFC 1122 4.2.2.16/17: a receiver may shrink its window to zero while data is in flight (discouraged, but
 * some do under memory pressure). The sender's retransmission timeout then finds nothing it may resend; it must
 * probe the window instead, so that the connection survives a live peer and resumes when the window opens
 * even if the peer never sends a window update on its own. Perfect network, no SACK, no timestamps.
 */
class ShrunkWindowProbeTest {
    private static final long SEC = 1_000_000_000L;
    private static final int TOTAL = 400_000;
    private ConnectionPair pair;

    @AfterEach
    void release() {
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void windowShrunkToZeroUnderDataInFlightIsProbedAndTheTransferCompletes() {
        TcpConfig plain = TcpConfig.builder().sack(false).timestamps(false).build();
        pair = ConnectionPair.of(plain).open();
        assertThat(pair.runUntil(() -> pair.client.established && pair.server.established, 5 * SEC)).isTrue();
        boolean[] shrunk = {false};
        // While shrunk, the receiver offers window 0 and drops the data it has no room for (RFC 9293 §3.10.7.4).
        pair.rewrite = (seg, fromClient) -> !fromClient && shrunk[0] ? Q254930ZeroWindowPersistTest.withWindow(seg, 0) : seg;
        pair.dropFilter = (seg, fromClient) -> fromClient && shrunk[0] && seg.payloadLength() > 0;
        pair.client.write(Q254930ZeroWindowPersistTest.data(TOTAL));
        assertThat(pair.runUntil(() -> pair.server.received > 100_000, 10 * SEC)).isTrue();
        shrunk[0] = true;
        assertThat(pair.runUntil(() -> pair.client.conn.peerWindow() == 0, 10 * SEC)).isTrue();
        assertThat(pair.client.conn.sndNxt()).isNotEqualTo(pair.client.conn.sndUna()); // data in flight

        pair.runFor(60 * SEC);
        assertThat(pair.client.state()).isEqualTo(TcpState.ESTABLISHED);
        long probes = pair.counters.persistProbes;
        assertThat(probes).isPositive();
        shrunk[0] = false; // the receiver has room again but says nothing until asked

        assertThat(pair.runUntil(() -> pair.server.received == TOTAL, 600 * SEC)).isTrue();
        assertThat(pair.client.state()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(pair.client.closedReason).isNull();
    }
}
