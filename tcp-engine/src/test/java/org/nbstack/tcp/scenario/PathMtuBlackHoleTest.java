package org.nbstack.tcp.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nbstack.tcp.scenario.TwoHosts.MS;
import static org.nbstack.tcp.scenario.TwoHosts.SEC;

import org.junit.jupiter.api.Test;
import org.nbstack.tcp.core.CloseReason;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.link.LinkFaults;

/**
 * Issue 12 defect 13, the ICMP black hole: both ends offer MSS 1460, but the path carries only 1200-octet packets
 * and drops larger ones without any ICMP. After three timeouts of full-sized segments the sender falls back to a
 * 1024-octet MSS (RFC 4821 §7.7, Linux tcp_mtu_probing = 1) and the transfer completes byte-exact instead of
 * dying after every retry.
 */
class PathMtuBlackHoleTest {
    @Test
    void aTransferThroughAnIcmpBlackHoleCompletesAfterFallingBackToASmallerMss() {
        try (TwoHosts h = TwoHosts.of(4821, TcpConfig.DEFAULT, LinkFaults.PERFECT.withDelay(MS, 0).withMtu(1200))) {
            Endpoint server = h.newEndpoint("server");
            server.closeOnPeerFin = true;
            h.listen(() -> server);
            long bytes = 1L << 20;
            Endpoint client = h.newEndpoint("client").sending(bytes);
            client.closeWhenSent = true;
            h.connect(client);
            boolean done = h.run(() -> server.received == bytes && client.closed() && server.closed(), 600 * SEC);
            assertThat(done).as(h.describe()).isTrue();
            assertThat(server.receivedExactly(client)).isTrue();
            assertThat(client.closedReason).isEqualTo(CloseReason.NORMAL);
            assertThat(h.client.tcpCounters().blackHoleMssReductions).isEqualTo(1);
        }
    }
}
