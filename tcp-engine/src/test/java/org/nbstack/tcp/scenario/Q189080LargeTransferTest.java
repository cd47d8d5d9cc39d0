package org.nbstack.tcp.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nbstack.tcp.scenario.TwoHosts.MS;
import static org.nbstack.tcp.scenario.TwoHosts.SEC;

import org.junit.jupiter.api.Test;
import org.nbstack.tcp.core.CloseReason;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.link.LinkFaults;

/**
 * Seed 002 (Q189080): large transfers aborted by sequence and window bookkeeping errors. A multi-GiB
 * stream starting just below 2^32 crosses the sequence wrap under loss, reordering and duplication with
 * window scaling, and must arrive byte-exact with no RST; a receiver that stops reading for 30 s closes
 * the window, the sender persists, and the transfer resumes.
 */
class Q189080LargeTransferTest {
    /** The issue asks for 6 GiB; -Dnbstack.q189080.bytes changes it for quicker local runs or longer soaks. */
    private static final long BYTES = Long.getLong("nbstack.q189080.bytes", 6L << 30);

    private static final TcpConfig SCALED = TcpConfig.builder().windowScale(7).receiveBuffer(4 << 20)
            .sendBuffer(4 << 20).build();
    private static final LinkFaults LOSSY = LinkFaults.PERFECT.withDelay(MS, 0).withLoss(0.01)
            .withReordering(0.01, 3 * MS).withDuplication(0.001);

    @Test
    void multiGibTransferAcrossTheSequenceWrapUnderLossIsByteExact() {
        try (TwoHosts h = TwoHosts.of(189080, SCALED, LOSSY)) {
            Endpoint receiver = h.newEndpoint("server");
            receiver.closeOnPeerFin = true;
            h.listen(() -> receiver);
            Endpoint sender = h.newEndpoint("client").sending(BYTES);
            sender.closeWhenSent = true;
            h.client.forceNextInitialSequenceNumber(-1000); // 2^32 - 1000: the stream wraps after 999 bytes
            h.connect(sender);
            boolean done = h.run(() -> receiver.received == BYTES && sender.closed() && receiver.closed(), 100_000 * SEC);
            assertThat(done).as(h.describe()).isTrue();
            assertThat(receiver.receivedExactly(sender)).as("byte-exact").isTrue();
            assertThat(sender.closedReason).isEqualTo(CloseReason.NORMAL);
            assertThat(receiver.closedReason).isEqualTo(CloseReason.NORMAL);
            assertThat(h.client.tcpCounters().resetsSent + h.server.tcpCounters().resetsSent).as("RSTs sent").isZero();
            assertThat(sender.conn.connection().sendWindowScale()).isEqualTo(7);
            assertThat(h.client.tcpCounters().retransmittedSegments).as("loss was repaired").isPositive();
            // The stream started 1000 below 2^32, so every byte past the 999th was sent after the wrap.
            assertThat(sender.conn.connection().iss()).isEqualTo(-1000);
            assertThat(BYTES).as("the stream crosses the wrap").isGreaterThan(1000);
        }
    }

    @Test
    void receiverThatStopsReadingFor30SecondsIsProbedAndTheTransferResumes() {
        try (TwoHosts h = TwoHosts.of(189081, SCALED, LOSSY)) {
            long bytes = 64L << 20;
            Endpoint receiver = h.newEndpoint("server");
            receiver.closeOnPeerFin = true;
            h.listen(() -> receiver);
            Endpoint sender = h.newEndpoint("client").sending(bytes);
            sender.closeWhenSent = true;
            h.client.forceNextInitialSequenceNumber(-1000);
            h.connect(sender);
            h.run(() -> receiver.received >= bytes / 3, 10_000 * SEC);
            receiver.paused = true;
            long probesBefore = h.client.tcpCounters().persistProbes;
            h.world.runFor(30 * SEC);
            assertThat(sender.conn.connection().peerWindow()).as("window closed").isZero();
            assertThat(h.client.tcpCounters().persistProbes - probesBefore).as("persist probes").isGreaterThanOrEqualTo(4);
            assertThat(sender.state()).isEqualTo(org.nbstack.tcp.core.TcpState.ESTABLISHED);
            receiver.resume();
            boolean done = h.run(() -> receiver.received == bytes && sender.closed() && receiver.closed(), 10_000 * SEC);
            assertThat(done).as(h.describe()).isTrue();
            assertThat(receiver.receivedExactly(sender)).isTrue();
            assertThat(h.client.tcpCounters().resetsSent + h.server.tcpCounters().resetsSent).isZero();
        }
    }
}
