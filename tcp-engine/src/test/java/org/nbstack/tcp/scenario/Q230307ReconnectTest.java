package org.nbstack.tcp.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nbstack.tcp.scenario.TwoHosts.MS;
import static org.nbstack.tcp.scenario.TwoHosts.SEC;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.core.TcpConnection;
import org.nbstack.tcp.core.TcpState;
import org.nbstack.tcp.link.LinkFaults;
import org.nbstack.tcp.stack.StackConfig;

/**
 * Seed 000 (Q230307): reconnecting right after a graceful close was slow while the server's old
 * connection sat in TIME_WAIT. Here the server closes first and so holds TIME_WAIT; the client reconnects
 * at once from the same port. The new SYN is provably new (newer timestamp, RFC 6191; or, without
 * timestamps, an ISN beyond the old RCV.NXT, RFC 1122 4.2.2.13), so the connection opens within one
 * round trip, never after a SYN retransmission timeout.
 */
class Q230307ReconnectTest {
    private static final long ONE_WAY = MS;
    private static final long RTT = 2 * ONE_WAY;

    private static TcpConfig tcp(boolean timestamps) {
        return TcpConfig.builder().timestamps(timestamps).build();
    }

    @ParameterizedTest(name = "timestamps {0}")
    @ValueSource(booleans = {true, false})
    void reconnectToTheSameFourTupleRightAfterCloseIsEstablishedWithinOneRoundTrip(boolean timestamps) {
        try (TwoHosts h = TwoHosts.of(230307, tcp(timestamps), LinkFaults.PERFECT.withDelay(ONE_WAY, 0))) {
            h.listen(() -> {
                Endpoint e = h.newEndpoint("server").sending(4 << 20); // enough data to outrun the ISN clock
                e.closeWhenSent = true; // the server closes first: it holds TIME_WAIT
                return e;
            });
            Endpoint first = h.newEndpoint("first");
            first.closeOnPeerFin = true;
            h.connect(first, 45000, tcp(timestamps));
            assertThat(h.run(first::closed, 60 * SEC)).as(h.describe()).isTrue();
            assertThat(h.accepted.get(0).state()).isEqualTo(TcpState.TIME_WAIT);

            long connectAt = h.world.now();
            Endpoint second = h.newEndpoint("second");
            second.closeOnPeerFin = true;
            h.connect(second, 45000, tcp(timestamps));
            assertThat(h.run(() -> second.establishedAt >= 0, 10 * SEC)).isTrue();
            assertThat(second.establishedAt - connectAt).as("handshake time").isLessThanOrEqualTo(RTT + MS);
            assertThat(h.client.tcpCounters().synRetransmits).isZero();
            assertThat(h.server.counters().timeWaitReused).isEqualTo(1);
            assertThat(h.run(() -> second.received == 4 << 20 && second.closed(), 60 * SEC)).isTrue();
        }
    }

    /**
     * A client without timestamps whose new ISN is not above the old RCV.NXT (random ISNs, or more data sent than
     * its ISN clock advanced): its SYN is not provably new, so it gets the old connection's ACK; it answers that
     * ACK with a RST (RFC 9293 §3.10.7.3), which releases the TIME_WAIT entry (decision 0007), and its first SYN
     * retransmission opens the connection: one initial RTO plus one round trip after connect, not 2*MSL.
     */
    @Test
    void clientWithoutTimestampsWhoseSynIsNotProvablyNewReconnectsAfterOneSynTimeout() {
        try (TwoHosts h = TwoHosts.of(230309, tcp(false), LinkFaults.PERFECT.withDelay(ONE_WAY, 0))) {
            h.listen(() -> {
                Endpoint e = h.newEndpoint("server").sending(1 << 20);
                e.closeWhenSent = true; // the server closes first: it holds TIME_WAIT
                return e;
            });
            Endpoint first = h.newEndpoint("first");
            first.closeOnPeerFin = true;
            h.connect(first, 45000, tcp(false));
            assertThat(h.run(first::closed, 60 * SEC)).as(h.describe()).isTrue();
            TcpConnection old = h.accepted.get(0).conn.connection();
            assertThat(old.state()).isEqualTo(TcpState.TIME_WAIT);

            h.client.forceNextInitialSequenceNumber(old.rcvNxt() - 1_000_000); // below the old RCV.NXT
            long connectAt = h.world.now();
            Endpoint second = h.newEndpoint("second");
            second.closeOnPeerFin = true;
            h.connect(second, 45000, tcp(false));
            assertThat(h.run(() -> second.establishedAt >= 0, 10 * SEC)).as(h.describe()).isTrue();
            assertThat(second.establishedAt - connectAt).as("handshake time: the initial RTO (1 s) plus one round trip")
                    .isEqualTo(SEC + RTT);
            assertThat(h.client.tcpCounters().synRetransmits).isEqualTo(1);
            assertThat(h.server.tcpCounters().timeWaitResetReleases).isEqualTo(1);
            assertThat(h.run(() -> second.received == 1 << 20 && second.closed(), 60 * SEC)).isTrue();
        }
    }

    @ParameterizedTest(name = "timestamps {0}")
    @ValueSource(booleans = {true, false})
    void tenThousandSequentialConnectionsFromASmallPortRangeNeverWaitOnTimeWait(boolean timestamps) {
        StackConfig clientConfig = StackConfig.of(TwoHosts.CLIENT_ADDR).withTcp(tcp(timestamps))
                .withEphemeralRange(50000, 50019); // 20 ports: each is reused 500 times
        try (TwoHosts h = new TwoHosts(230308, clientConfig, StackConfig.of(TwoHosts.SERVER_ADDR).withTcp(tcp(timestamps)),
                LinkFaults.PERFECT.withDelay(ONE_WAY, 0))) {
            h.listen(() -> {
                Endpoint e = h.newEndpoint("server");
                e.echo = true;
                e.closeOnPeerFin = false;
                return e;
            });
            long slowest = 0;
            for (int i = 0; i < 10_000; i++) {
                Endpoint c = h.newEndpoint("c" + i).sending(100);
                c.closeOnPeerFin = true;
                long start = h.world.now();
                h.connect(c);
                assertThat(h.run(() -> c.establishedAt >= 0, 10 * SEC)).as("connection %d", i).isTrue();
                slowest = Math.max(slowest, c.establishedAt - start);
                assertThat(h.run(() -> c.received == 100, 10 * SEC)).isTrue();
                Endpoint server = h.accepted.get(h.accepted.size() - 1);
                server.conn.close(); // the server closes first, as an SMB server ending a session does
                assertThat(h.run(c::closed, 10 * SEC)).isTrue();
            }
            assertThat(slowest).as("slowest handshake").isLessThanOrEqualTo(RTT + MS);
            assertThat(h.client.tcpCounters().synRetransmits).as("SYN retransmissions").isZero();
            assertThat(h.server.counters().timeWaitReused).as("TIME_WAIT tuples reopened").isGreaterThan(9_000);
            assertThat(h.server.timeWaitCount()).isLessThanOrEqualTo(20);
        }
    }
}
