package org.nbstack.tcp.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nbstack.tcp.scenario.TwoHosts.MS;
import static org.nbstack.tcp.scenario.TwoHosts.SEC;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nbstack.tcp.core.CloseReason;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.link.LinkFaults;
import org.nbstack.tcp.sim.SimPacketFilter;
import org.nbstack.tcp.sim.SimPackets;
import org.nbstack.tcp.wire.TcpFlags;

/**
 * Seed 003 (Q254930): a lost FIN was never retransmitted and the server sat in FIN_WAIT_1/LAST_ACK until
 * reboot. Here FINs, the ACK of a FIN and the last ACK are lost in every close order, and every connection
 * on both sides must reach CLOSED within the bound the configuration implies: FIN retransmissions with
 * backoff (bounded by the orphan retries), then TIME_WAIT, or the FIN_WAIT_2 timeout.
 */
class Q254930LostFinTest {
    private static final TcpConfig TCP = TcpConfig.DEFAULT;

    enum CloseOrder { CLIENT_FIRST, SERVER_FIRST, SIMULTANEOUS }

    enum Loss { FIRST_FIN, THREE_FINS, EVERY_FIN, ACK_OF_FIRST_FIN, LAST_ACK }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (CloseOrder order : CloseOrder.values()) {
            for (Loss loss : Loss.values()) {
                cases.add(Arguments.of(order, loss));
            }
        }
        return cases.stream();
    }

    /** The longest a closing connection may take, from the configuration: every FIN retry, then TIME_WAIT. */
    static long closeBound(TcpConfig c) {
        long retries = 0;
        long rto = c.rtoInitialNanos();
        for (int k = 0; k <= c.orphanRetries(); k++) {
            retries += rto;
            rto = Math.min(rto * 2, c.rtoMaxNanos());
        }
        return retries + c.timeWaitNanos() + c.finWait2TimeoutNanos() + SEC;
    }

    @ParameterizedTest(name = "{0} close, lose {1}")
    @MethodSource("cases")
    void everyConnectionReachesClosedWithinTheBound(CloseOrder order, Loss loss) {
        try (TwoHosts h = TwoHosts.of(254930 + order.ordinal() * 10 + loss.ordinal(), TCP,
                LinkFaults.PERFECT.withDelay(MS, 0))) {
            Endpoint server = h.newEndpoint("server");
            server.closeOnPeerFin = order != CloseOrder.SIMULTANEOUS;
            h.listen(() -> server);
            Endpoint client = h.newEndpoint("client").sending(100_000);
            client.closeOnPeerFin = order != CloseOrder.SIMULTANEOUS;
            server.sending(50_000);
            h.connect(client);
            assertThat(h.run(() -> server.received == 100_000 && client.received == 50_000, 10 * SEC)).isTrue();

            String first = order == CloseOrder.SERVER_FIRST ? "server" : "client";
            String second = first.equals("client") ? "server" : "client";
            installLoss(h, loss, first, second, order == CloseOrder.SIMULTANEOUS);

            long closeAt = h.world.now();
            switch (order) {
                case CLIENT_FIRST -> client.conn.close();
                case SERVER_FIRST -> server.conn.close();
                case SIMULTANEOUS -> {
                    client.conn.close();
                    server.conn.close();
                }
            }
            long bound = closeBound(TCP);
            boolean done = h.run(h::noConnectionsLeft, bound);
            assertThat(done).as("all connections CLOSED within %d s:%n%s", bound / SEC, h.describe()).isTrue();
            assertThat(client.closedReason).isNotNull();
            assertThat(server.closedReason).isNotNull();
            assertThat(client.closedAt - closeAt).isLessThanOrEqualTo(bound);
            assertThat(server.closedAt - closeAt).isLessThanOrEqualTo(bound);
            if (loss != Loss.EVERY_FIN) {
                // Retransmission repaired the loss: both sides closed gracefully.
                assertThat(client.closedReason).isIn(CloseReason.NORMAL);
                assertThat(server.closedReason).isIn(CloseReason.NORMAL);
            } else {
                // The FIN never got through: the closer gave up after its bounded retries and reset the peer.
                long given = h.client.tcpCounters().orphanRetriesExhausted + h.server.tcpCounters().orphanRetriesExhausted;
                assertThat(given).isPositive();
            }
            assertThat(h.client.tcpCounters().finRetransmits + h.server.tcpCounters().finRetransmits
                    + h.client.tcpCounters().retransmittedSegments + h.server.tcpCounters().retransmittedSegments)
                    .as("the loss was repaired by retransmission").isPositive();
        }
    }

    private static void installLoss(TwoHosts h, Loss loss, String first, String second, boolean bothDirections) {
        switch (loss) {
            case FIRST_FIN, THREE_FINS, EVERY_FIN -> {
                int n = loss == Loss.FIRST_FIN ? 1 : loss == Loss.THREE_FINS ? 3 : Integer.MAX_VALUE;
                h.world.link(first, second).addFilter(SimPacketFilter.dropFirst(n, SimPackets.withTcpFlags(TcpFlags.FIN)));
                if (bothDirections) {
                    h.world.link(second, first).addFilter(SimPacketFilter.dropFirst(n, SimPackets.withTcpFlags(TcpFlags.FIN)));
                }
            }
            case ACK_OF_FIRST_FIN -> dropAckOf(h, first, second);
            case LAST_ACK -> dropAckOf(h, second, first);
        }
    }

    /** Drops the first packet from {@code acker} that acknowledges the first FIN sent by {@code finSender}. */
    private static void dropAckOf(TwoHosts h, String finSender, String acker) {
        int[] finEnd = {0};
        boolean[] seen = {false};
        h.world.link(finSender, acker).addFilter((now, packet) -> {
            if (!seen[0] && SimPackets.hasTcpFlags(packet, TcpFlags.FIN)) {
                seen[0] = true;
                finEnd[0] = SimPackets.tcpSeqEnd(packet);
            }
            return false;
        });
        h.world.link(acker, finSender).addFilter(new SimPacketFilter() {
            private boolean dropped;

            @Override
            public boolean drop(long now, ByteBuf packet) {
                if (!dropped && seen[0] && SimPackets.hasTcpFlags(packet, TcpFlags.ACK)
                        && SimPackets.tcpAck(packet) == finEnd[0]) {
                    dropped = true;
                    return true;
                }
                return false;
            }
        });
    }

    @Test
    void orphanedFinWait2TimesOutWhenThePeerNeverCloses() {
        try (TwoHosts h = TwoHosts.of(254999, TCP, LinkFaults.PERFECT.withDelay(MS, 0))) {
            Endpoint server = h.newEndpoint("server"); // its application never closes
            h.listen(() -> server);
            Endpoint client = h.newEndpoint("client");
            h.connect(client);
            h.run(() -> server.conn != null && server.state() != null && server.state().isSynchronized(), SEC);
            long closeAt = h.world.now();
            client.conn.close();
            boolean done = h.run(client::closed, TCP.finWait2TimeoutNanos() + SEC);
            assertThat(done).as(h.describe()).isTrue();
            assertThat(client.closedReason).isEqualTo(CloseReason.FIN_WAIT_2_TIMEOUT);
            assertThat(client.closedAt - closeAt).isBetween(TCP.finWait2TimeoutNanos(), TCP.finWait2TimeoutNanos() + 10 * MS);
            assertThat(h.client.tcpCounters().finWait2Timeouts).isEqualTo(1);
            // The peer learns of it (RST) instead of holding CLOSE_WAIT against a vanished orphan.
            assertThat(h.run(server::closed, SEC)).isTrue();
            assertThat(h.noConnectionsLeft()).isTrue();
        }
    }
}
