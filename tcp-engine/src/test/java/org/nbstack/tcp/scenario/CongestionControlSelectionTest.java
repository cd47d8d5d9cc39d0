package org.nbstack.tcp.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.nbstack.tcp.scenario.TwoHosts.SEC;

import org.junit.jupiter.api.Test;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.core.congestion.CongestionAlgorithm;
import org.nbstack.tcp.link.LinkFaults;
import org.nbstack.tcp.stack.ConnectionInfo;
import org.nbstack.tcp.stack.TcpStack;

/**
 * Which congestion control a connection runs: CUBIC unless the stack or the connection chooses otherwise, visible
 * in netstat and in the per-algorithm connection gauge, switchable on a running connection.
 */
class CongestionControlSelectionTest {
    private static final LinkFaults LINK = LinkFaults.PERFECT.withMtu(1500).withDelay(TwoHosts.MS, 0);

    private static Endpoint established(TwoHosts h, TcpConfig connectionConfig) {
        h.listen(() -> h.newEndpoint("server"));
        Endpoint client = h.newEndpoint("client");
        h.connect(client, 0, connectionConfig);
        assertThat(h.run(() -> client.state() != null && client.state().isSynchronized(), 10 * SEC)).isTrue();
        return client;
    }

    private static ConnectionInfo clientRow(TcpStack stack) {
        return stack.netstat().stream().filter(r -> r.remotePort() == TwoHosts.PORT).findFirst().orElseThrow();
    }

    @Test
    void cubicIsTheDefaultAndNetstatAndTheGaugeShowIt() {
        assertThat(TcpConfig.DEFAULT.congestionControl()).isEqualTo(CongestionAlgorithm.CUBIC);
        try (TwoHosts h = TwoHosts.of(1, TcpConfig.DEFAULT, LINK)) {
            established(h, TcpConfig.DEFAULT);
            // RFC 6928: 10 segments of 1448 (1460 less the timestamp option)
            assertThat(clientRow(h.client).netstatLine()).contains("cubic cwnd 14480");
            assertThat(h.client.tcpCounters().connectionsWith(CongestionAlgorithm.CUBIC)).isEqualTo(1);
            assertThat(h.client.tcpCounters().connectionsWith(CongestionAlgorithm.NEWRENO)).isZero();
        }
    }

    @Test
    void aStackOrAConnectionMayChooseNewReno() {
        TcpConfig newReno = TcpConfig.DEFAULT.toBuilder().congestionControl(CongestionAlgorithm.NEWRENO).build();
        try (TwoHosts h = TwoHosts.of(2, newReno, LINK)) {
            established(h, newReno);
            assertThat(clientRow(h.client).netstatLine()).contains("newreno cwnd 14480");
            // The accepted side runs the server stack's choice.
            assertThat(h.server.tcpCounters().connectionsWith(CongestionAlgorithm.NEWRENO)).isEqualTo(1);
        }
        try (TwoHosts h = TwoHosts.of(3, TcpConfig.DEFAULT, LINK)) {
            established(h, newReno);
            assertThat(clientRow(h.client).congestionControl()).isEqualTo(CongestionAlgorithm.NEWRENO);
            assertThat(h.server.tcpCounters().connectionsWith(CongestionAlgorithm.CUBIC)).isEqualTo(1);
        }
    }

    @Test
    void switchingARunningConnectionKeepsItsWindowAndMovesTheGauge() {
        try (TwoHosts h = TwoHosts.of(4, TcpConfig.DEFAULT, LINK)) {
            Endpoint client = established(h, TcpConfig.DEFAULT);
            client.conn.reconfigure(TcpConfig.DEFAULT.toBuilder().congestionControl(CongestionAlgorithm.NEWRENO).build());
            assertThat(clientRow(h.client).netstatLine()).contains("newreno cwnd 14480");
            assertThat(h.client.tcpCounters().connectionsWith(CongestionAlgorithm.CUBIC)).isZero();
            assertThat(h.client.tcpCounters().connectionsWith(CongestionAlgorithm.NEWRENO)).isEqualTo(1);
        }
    }

    @Test
    void anUnknownNameIsRejectedNamingTheAllowedOnes() {
        assertThat(CongestionAlgorithm.parse(" CUBIC ")).isEqualTo(CongestionAlgorithm.CUBIC);
        assertThat(CongestionAlgorithm.parse("newreno")).isEqualTo(CongestionAlgorithm.NEWRENO);
        assertThatThrownBy(() -> CongestionAlgorithm.parse("bbr")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown congestion control 'bbr', allowed: newreno, cubic");
    }
}
