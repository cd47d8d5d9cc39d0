package org.nbstack.tcp.stack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nbstack.tcp.wire.DropReason;
import org.nbstack.tcp.wire.TcpFlags;

/**
 * RFC 9293 §3.10.7.2: in LISTEN, a segment with neither SYN, ACK nor RST (a NULL scan) or with FIN alone
 * is dropped and counted, not answered with RST, so such scans cannot read an open port as closed. A closed
 * port still answers with RST (§3.10.7.1), and an ACK to a listener still gets its RST.
 */
class ListenNullAndFinSegmentsTest {
    private static final int PEER_PORT = 40000;

    @Test
    void nullAndFinSegmentsToAListenerAreDroppedSilentlyAndCounted() {
        try (StackDriver d = new StackDriver(StackDriver.config().build())) {
            d.listen(16);
            assertThat(d.in(PEER_PORT, 1000, 0, 0)).as("NULL").isEmpty();
            assertThat(d.in(PEER_PORT, 1000, 0, TcpFlags.FIN)).as("FIN alone").isEmpty();
            assertThat(d.in(PEER_PORT, 1000, 0, TcpFlags.FIN | TcpFlags.PSH | TcpFlags.URG)).as("XMAS").isEmpty();
            assertThat(d.stack.drops().get(DropReason.NO_ACK_TO_LISTENER)).isEqualTo(3);
            assertThat(d.stack.counters().resetsForUnknownConnections).isZero();
            assertThat(d.stack.connectionCount()).isZero();

            assertThat(d.in(PEER_PORT, 1000, 5000, TcpFlags.ACK)).as("an ACK to a listener is reset")
                    .singleElement().matches(s -> s.flags == TcpFlags.RST && s.seq == 5000);
        }
    }

    @Test
    void aClosedPortStillAnswersNullSegmentsWithReset() {
        try (StackDriver d = new StackDriver(StackDriver.config().build())) {
            assertThat(d.in(PEER_PORT, 1000, 0, 0)).singleElement()
                    .matches(s -> s.flags == (TcpFlags.RST | TcpFlags.ACK) && s.ack == 1000);
            assertThat(d.stack.drops().get(DropReason.NO_ACK_TO_LISTENER)).isZero();
        }
    }
}
