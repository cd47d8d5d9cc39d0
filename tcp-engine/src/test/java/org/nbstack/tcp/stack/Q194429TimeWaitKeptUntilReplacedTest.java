package org.nbstack.tcp.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nbstack.tcp.stack.StackDriver.isOldAck;

import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.core.TcpState;
import org.nbstack.tcp.wire.TcpFlags;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * Seed 001 (Q194429) class: TIME_WAIT lasts its full 2*MSL unless a new connection really takes over the
 * 4-tuple. A provably new SYN (seed 000, RFC 6191 / RFC 1122 4.2.2.13) that nobody accepts (no listener,
 * a full accept queue, the memory limit, or only a SYN cookie sent) leaves the entry in place, and the SYN
 * gets the old connection's ACK, not a RST.
 */
class Q194429TimeWaitKeptUntilReplacedTest {
    private static final int PEER_PORT = 40000;
    private static final int OLD_ISN = 1000;
    /** Beyond the old RCV.NXT (OLD_ISN + 2): provably new without timestamps. */
    private static final int NEW_ISN = OLD_ISN + 100_000;

    private static void assertTimeWaitKept(StackDriver d, List<TcpSegment> answer, int oldSndNxt) {
        assertThat(answer).as("the old connection's ACK, not a RST").hasSize(1)
                .allMatch(s -> isOldAck(s, oldSndNxt, OLD_ISN + 2));
        assertThat(d.stack.timeWaitCount()).as("TIME_WAIT entry kept").isEqualTo(1);
        assertThat(d.stack.counters().timeWaitReused).isZero();
        assertThat(d.stack.netstat()).anyMatch(r -> r.state() == TcpState.TIME_WAIT);
    }

    @Test
    void aNewSynWithNoListenerLeavesTimeWaitInPlace() {
        try (StackDriver d = new StackDriver(StackDriver.config().build())) {
            d.listen(16);
            int oldSndNxt = d.serverInTimeWait(PEER_PORT, OLD_ISN);
            d.listener.close();
            assertTimeWaitKept(d, d.in(PEER_PORT, NEW_ISN, 0, TcpFlags.SYN), oldSndNxt);
            assertThat(d.stack.counters().resetsForUnknownConnections).isZero();
        }
    }

    @Test
    void aNewSynAtAFullAcceptQueueLeavesTimeWaitInPlace() {
        try (StackDriver d = new StackDriver(StackDriver.config().build())) {
            d.listen(1);
            int oldSndNxt = d.serverInTimeWait(PEER_PORT, OLD_ISN);
            d.accepting = false;
            d.handshake(PEER_PORT + 1, 5000); // fills the accept queue of 1
            assertThat(d.listener.acceptQueueLength()).isEqualTo(1);
            assertTimeWaitKept(d, d.in(PEER_PORT, NEW_ISN, 0, TcpFlags.SYN), oldSndNxt);
            assertThat(d.stack.counters().acceptQueueOverflows).isEqualTo(1);
        }
    }

    @Test
    void aNewSynOverTheMemoryLimitLeavesTimeWaitInPlace() {
        try (StackDriver d = new StackDriver(StackDriver.config().memoryLimit(1000).minReceiveMemory(0).minSendMemory(0).build())) {
            d.listen(16);
            int oldSndNxt = d.serverInTimeWait(PEER_PORT, OLD_ISN);
            d.handshake(PEER_PORT + 1, 5000);
            StackConnection busy = d.accepted.get(1);
            busy.write(Unpooled.wrappedBuffer(new byte[1500])); // unacknowledged: the stack holds it
            busy.flush();
            assertThat(d.stack.resources().overMemoryLimit()).isTrue();
            assertTimeWaitKept(d, d.in(PEER_PORT, NEW_ISN, 0, TcpFlags.SYN), oldSndNxt);
            assertThat(d.stack.counters().memoryLimitDrops).isEqualTo(1);
        }
    }

    @Test
    void aCookieSynAckLeavesTimeWaitInPlaceUntilItsAckCreatesTheConnection() {
        try (StackDriver d = new StackDriver(StackDriver.config().synCookies(StackConfig.SynCookies.ON).build())) {
            d.listen(16);
            d.serverInTimeWait(PEER_PORT, OLD_ISN);
            List<TcpSegment> answer = d.in(PEER_PORT, NEW_ISN, 0, TcpFlags.SYN);
            assertThat(answer).hasSize(1);
            TcpSegment cookieSynAck = answer.get(0);
            assertThat(cookieSynAck.flags).isEqualTo(TcpFlags.SYN | TcpFlags.ACK);
            assertThat(cookieSynAck.ack).isEqualTo(NEW_ISN + 1);
            assertThat(d.stack.timeWaitCount()).as("a cookie creates nothing: TIME_WAIT stays").isEqualTo(1);
            assertThat(d.stack.counters().timeWaitReused).isZero();

            // The handshake's ACK proves the cookie: now the new connection exists and TIME_WAIT gives way.
            d.in(PEER_PORT, NEW_ISN + 1, cookieSynAck.seq + 1, TcpFlags.ACK);
            assertThat(d.stack.timeWaitCount()).isZero();
            assertThat(d.stack.counters().timeWaitReused).isEqualTo(1);
            assertThat(d.accepted).hasSize(2);
            assertThat(d.accepted.get(1).state()).isEqualTo(TcpState.ESTABLISHED);
        }
    }

    @Test
    void aNewSynThatIsAcceptedReplacesTimeWaitAtOnce() {
        try (StackDriver d = new StackDriver(StackDriver.config().build())) {
            d.listen(16);
            d.serverInTimeWait(PEER_PORT, OLD_ISN);
            List<TcpSegment> answer = d.in(PEER_PORT, NEW_ISN, 0, TcpFlags.SYN);
            assertThat(answer).hasSize(1);
            assertThat(answer.get(0).flags).isEqualTo(TcpFlags.SYN | TcpFlags.ACK);
            assertThat(answer.get(0).ack).isEqualTo(NEW_ISN + 1);
            assertThat(d.stack.timeWaitCount()).isZero();
            assertThat(d.stack.counters().timeWaitReused).isEqualTo(1);
        }
    }
}
