package org.nbstack.tcp.core.script;

import static org.nbstack.tcp.core.script.Script.MS;
import static org.nbstack.tcp.core.script.Script.SEC;
import static org.nbstack.tcp.core.script.Script.given;

import org.junit.jupiter.api.Test;
import org.nbstack.tcp.core.CloseReason;
import org.nbstack.tcp.core.TcpState;

/**
 * FIN_WAIT_1, FIN_WAIT_2, CLOSING, CLOSE_WAIT, LAST_ACK (RFC 9293 §3.10.7.4 steps five and eight). The
 * application closed with {@code close()}, so our side is an orphan: our FIN is seq 1001, the peer's FIN seq 5001.
 */
class ClosingStatesScriptTest extends ScriptFixture {
    @Test
    void ackOfOurFinMovesFinWait1ToFinWait2WithTheOrphanTimeout() {
        s = given(TcpState.FIN_WAIT_1)
                .receive("ACK seq=5001 ack=1002")
                .expectNothingSent()
                .expectState(TcpState.FIN_WAIT_2)
                .expectTimer("timewait", 60 * SEC); // Linux tcp_fin_timeout, shown as netstat does
    }

    @Test
    void finBeforeTheAckOfOursIsASimultaneousClose() {
        s = given(TcpState.FIN_WAIT_1)
                .receive("FIN,ACK seq=5001 ack=1001")
                .expectSend("ACK seq=1002 ack=5002")
                .expectState(TcpState.CLOSING)
                .receive("ACK seq=5002 ack=1002")
                .expectState(TcpState.TIME_WAIT)
                .expectTimer("timewait", 60 * SEC);
    }

    @Test
    void finThatAlsoAcknowledgesOursGoesStraightToTimeWait() {
        s = given(TcpState.FIN_WAIT_1)
                .receive("FIN,ACK seq=5001 ack=1002")
                .expectSend("ACK seq=1002 ack=5002")
                .expectState(TcpState.TIME_WAIT)
                .expectTimer("timewait", 60 * SEC);
    }

    @Test
    void lostFinIsRetransmittedWithBackoffThenTheOrphanIsReset() {
        s = given(TcpState.FIN_WAIT_1, Script.PLAIN.toBuilder().orphanRetries(2).build())
                .expectTimer("on", 1 * SEC)
                .advance(1 * SEC).expectSend("FIN,ACK seq=1001 ack=5001")
                .advance(2 * SEC).expectSend("FIN,ACK seq=1001 ack=5001")
                .advance(4 * SEC)
                .expectSend("RST,ACK seq=1002 ack=5001") // seed 003: bounded retries, then RST
                .expectClosed(CloseReason.RETRANSMIT_TIMEOUT);
    }

    /** Seed 003 behind a closed window: the orphan's probes are bounded even when the peer answers every one. */
    @Test
    void orphanWithDataBehindAZeroWindowIsResetAfterItsOrphanRetries() {
        s = given(TcpState.ESTABLISHED, Script.PLAIN.toBuilder().orphanRetries(2).build())
                .receive("ACK seq=5001 ack=1001 win=0")
                .write(100)
                .close()
                .expectNothingSent()
                .expectState(TcpState.FIN_WAIT_1)
                .advance(1 * SEC).expectSend("ACK seq=1000 ack=5001")
                .receive("ACK seq=5001 ack=1001 win=0")
                .advance(2 * SEC).expectSend("ACK seq=1000 ack=5001")
                .receive("ACK seq=5001 ack=1001 win=0")
                .advance(4 * SEC)
                .expectSend("RST,ACK seq=1001 ack=5001")
                .expectClosed(CloseReason.PERSIST_TIMEOUT);
    }

    /** Like Linux's tcp_probe_timer: an orphan whose probe interval has backed off to the RTO maximum gives up. */
    @Test
    void orphanWhoseProbeIntervalReachedTheMaximumIsReset() {
        s = given(TcpState.ESTABLISHED, Script.PLAIN.toBuilder().rtoMax(java.time.Duration.ofSeconds(4)).build())
                .receive("ACK seq=5001 ack=1001 win=0")
                .write(100)
                .close()
                .advance(1 * SEC).expectSend("ACK seq=1000 ack=5001")
                .receive("ACK seq=5001 ack=1001 win=0")
                .advance(2 * SEC).expectSend("ACK seq=1000 ack=5001")
                .receive("ACK seq=5001 ack=1001 win=0")
                .expectTimer("probe", 4 * SEC) // backed off to the 4 s maximum
                .advance(4 * SEC)
                .expectSend("RST,ACK seq=1001 ack=5001")
                .expectClosed(CloseReason.PERSIST_TIMEOUT);
    }

    @Test
    void orphanedFinWait2TimesOutWithAReset() {
        s = given(TcpState.FIN_WAIT_2)
                .advance(60 * SEC)
                .expectSend("RST,ACK seq=1002 ack=5001")
                .expectClosed(CloseReason.FIN_WAIT_2_TIMEOUT);
    }

    @Test
    void newDataToAnOrphanIsAnsweredWithAReset() {
        s = given(TcpState.FIN_WAIT_2)
                .receive("PSH,ACK seq=5001 ack=1002 len=10") // nobody will read it (RFC 9293 §3.10.7.4)
                .expectSend("RST,ACK seq=1002")
                .expectClosed(CloseReason.DATA_AFTER_CLOSE);
    }

    @Test
    void finInFinWait2IsAcknowledgedAndStartsTimeWait() {
        s = given(TcpState.FIN_WAIT_2)
                .advance(10 * SEC)
                .receive("FIN,ACK seq=5001 ack=1002")
                .expectSend("ACK seq=1002 ack=5002")
                .expectState(TcpState.TIME_WAIT)
                .expectTimer("timewait", 60 * SEC);
    }

    @Test
    void closeWaitStillSends() {
        s = given(TcpState.CLOSE_WAIT)
                .write(10)
                .expectSend("PSH,ACK seq=1001 ack=5002 len=10");
    }

    @Test
    void lastAckEndsWhenOurFinIsAcknowledged() {
        s = given(TcpState.LAST_ACK)
                .expectTimer("on", 1 * SEC)
                .receive("ACK seq=5002 ack=1002")
                .expectNothingSent()
                .expectClosed(CloseReason.NORMAL);
    }

    @Test
    void retransmittedPeerFinInLastAckIsAcknowledgedAgain() {
        s = given(TcpState.LAST_ACK)
                .advance(100 * MS)
                .receive("FIN,ACK seq=5001 ack=1001")
                .expectSend("ACK seq=1002 ack=5002")
                .expectState(TcpState.LAST_ACK);
    }
}
