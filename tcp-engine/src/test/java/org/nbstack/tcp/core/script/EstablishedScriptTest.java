package org.nbstack.tcp.core.script;

import static org.nbstack.tcp.core.script.Script.MS;
import static org.nbstack.tcp.core.script.Script.SEC;
import static org.nbstack.tcp.core.script.Script.given;

import org.junit.jupiter.api.Test;
import org.nbstack.tcp.core.CloseReason;
import org.nbstack.tcp.core.TcpState;

/**
 * ESTABLISHED, RFC 9293 §3.10.7.4 in its order: sequence acceptability, RST, SYN, ACK, text, FIN; plus the zero
 * window (persist probing and its bound, a window shrunk under data in flight, a bare FIN at a zero window).
 * We are SND.NXT 1001, RCV.NXT 5001, receive window 8192; the peer offered 8192.
 */
class EstablishedScriptTest extends ScriptFixture {
    @Test
    void inWindowDataIsDeliveredAndAcknowledgedWhenTheDelayedAckTimerFires() {
        s = given(TcpState.ESTABLISHED)
                .receive("PSH,ACK seq=5001 ack=1001 len=100")
                .expectDelivered(100)
                .expectNothingSent()
                .expectDeadline(40 * MS) // RFC 1122 4.2.3.2 delayed ACK
                .advance(40 * MS)
                .expectSend("ACK seq=1001 ack=5101 win=8092");
    }

    @Test
    void segmentOutsideTheWindowIsAnsweredWithAnAckAndDropped() {
        s = given(TcpState.ESTABLISHED)
                .receive("ACK seq=20000 ack=1001 len=10")
                .expectSend("ACK seq=1001 ack=5001 win=8192")
                .expectDelivered(0)
                .expectState(TcpState.ESTABLISHED);
    }

    @Test
    void resetExactlyAtRcvNxtClosesTheConnection() {
        s = given(TcpState.ESTABLISHED)
                .receive("RST seq=5001")
                .expectNothingSent()
                .expectClosed(CloseReason.RESET_BY_PEER);
    }

    @Test
    void resetInTheWindowButNotAtRcvNxtGetsAChallengeAck() {
        s = given(TcpState.ESTABLISHED)
                .receive("RST seq=5100") // RFC 5961 §3.2
                .expectSend("ACK seq=1001 ack=5001")
                .expectState(TcpState.ESTABLISHED);
    }

    @Test
    void resetOutsideTheWindowIsDroppedSilently() {
        s = given(TcpState.ESTABLISHED)
                .receive("RST seq=90000")
                .expectNothingSent()
                .expectState(TcpState.ESTABLISHED);
    }

    @Test
    void synInTheWindowGetsAChallengeAck() {
        s = given(TcpState.ESTABLISHED)
                .receive("SYN seq=5001") // RFC 5961 §4, RFC 9293 §3.10.7.4 fourth
                .expectSend("ACK seq=1001 ack=5001")
                .expectState(TcpState.ESTABLISHED);
    }

    @Test
    void segmentWithoutAckIsDropped() {
        s = given(TcpState.ESTABLISHED)
                .receive("PSH seq=5001 len=10")
                .expectNothingSent()
                .expectDelivered(0);
    }

    @Test
    void ackOfSomethingNotYetSentIsAnsweredAndDropped() {
        s = given(TcpState.ESTABLISHED)
                .receive("PSH,ACK seq=5001 ack=3000 len=10")
                .expectSend("ACK seq=1001 ack=5001")
                .expectDelivered(0);
    }

    @Test
    void finMovesToCloseWaitAndIsAcknowledgedAtOnce() {
        s = given(TcpState.ESTABLISHED)
                .receive("FIN,ACK seq=5001 ack=1001")
                .expectSend("ACK seq=1001 ack=5002")
                .expectState(TcpState.CLOSE_WAIT)
                .expectPeerFin(true);
    }

    @Test
    void dataBehindAZeroWindowIsProbedWithAnOldSequenceNumberAndBackoff() {
        s = given(TcpState.ESTABLISHED)
                .receive("ACK seq=5001 ack=1001 win=0")
                .write(1000)
                .expectNothingSent()
                .expectTimer("probe", 1 * SEC)
                .advance(1 * SEC)
                .expectSend("ACK seq=1000 ack=5001") // RFC 1122 4.2.2.17, SEG.SEQ = SND.UNA - 1 as Linux
                .expectTimer("probe", 2 * SEC)
                .receive("ACK seq=5001 ack=1001 win=0")
                .advance(2 * SEC)
                .expectSend("ACK seq=1000 ack=5001")
                .receive("ACK seq=5001 ack=1001 win=8192") // the window opens
                .expectSend("PSH,ACK seq=1001 ack=5001 len=1000");
    }

    @Test
    void answeredProbesGoOnBeyondTheRetryLimit() {
        s = given(TcpState.ESTABLISHED, Script.PLAIN.toBuilder().dataRetries(3).build())
                .receive("ACK seq=5001 ack=1001 win=0")
                .write(1000);
        for (int i = 0; i < 8; i++) {
            s.advanceToNextTimer().expectSend("ACK seq=1000 ack=5001").receive("ACK seq=5001 ack=1001 win=0");
        }
        s.expectState(TcpState.ESTABLISHED);
    }

    @Test
    void unansweredProbesEndInAResetAtTheRetryLimit() {
        s = given(TcpState.ESTABLISHED, Script.PLAIN.toBuilder().dataRetries(3).build())
                .receive("ACK seq=5001 ack=1001 win=0")
                .write(1000)
                .advance(1 * SEC).expectSend("ACK seq=1000 ack=5001")
                .advance(2 * SEC).expectSend("ACK seq=1000 ack=5001")
                .advance(4 * SEC).expectSend("ACK seq=1000 ack=5001")
                .expectTimer("probe", 8 * SEC)
                .advance(8 * SEC)
                .expectSend("RST,ACK seq=1001 ack=5001")
                .expectClosed(CloseReason.PERSIST_TIMEOUT);
    }

    @Test
    void windowShrunkToZeroUnderDataInFlightIsProbedByTheRetransmissionTimer() {
        s = given(TcpState.ESTABLISHED)
                .write(2920)
                .expectSend("ACK seq=1001 ack=5001 len=1460", "PSH,ACK seq=2461 ack=5001 len=1460")
                .advance(100 * MS)
                .receive("ACK seq=5001 ack=2461 win=0") // acknowledges one segment and shrinks the window to 0
                .expectNothingSent()
                .expectTimer("on", 300 * MS) // SRTT 100 ms + 4 * RTTVAR 50 ms
                .advance(300 * MS)
                .expectSend("ACK seq=2460 ack=5001") // a window probe, not silence (RFC 1122 4.2.2.17)
                .expectState(TcpState.ESTABLISHED)
                .receive("ACK seq=5001 ack=2461 win=8192")
                .expectSend("PSH,ACK seq=2461 ack=5001 len=1460"); // go back to SND.UNA once the window opens
    }

    @Test
    void bareFinIsTakenByAZeroReceiveWindow() {
        s = given(TcpState.ESTABLISHED)
                .receive("PSH,ACK seq=5001 ack=1001 len=8192")
                .expectSend("ACK seq=1001 ack=13193 win=0")
                .receive("FIN,ACK seq=13193 ack=1001")
                .expectSend("ACK seq=1001 ack=13194 win=0")
                .expectState(TcpState.CLOSE_WAIT)
                .expectPeerFin(true);
    }
}
