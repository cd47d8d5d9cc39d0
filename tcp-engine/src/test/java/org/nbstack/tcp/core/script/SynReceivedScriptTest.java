package org.nbstack.tcp.core.script;

import static org.nbstack.tcp.core.script.Script.SEC;
import static org.nbstack.tcp.core.script.Script.given;

import org.junit.jupiter.api.Test;
import org.nbstack.tcp.core.TcpState;

/** SYN_RECEIVED, RFC 9293 §3.10.7.4: the peer's SYN (seq 5000) arrived, our SYN-ACK (seq 1000) is out. */
class SynReceivedScriptTest extends ScriptFixture {
    @Test
    void ackOfOurSynEstablishes() {
        s = given(TcpState.SYN_RECEIVED)
                .receive("ACK seq=5001 ack=1001")
                .expectNothingSent()
                .expectState(TcpState.ESTABLISHED);
    }

    @Test
    void unacceptableAckIsAnsweredWithAReset() {
        s = given(TcpState.SYN_RECEIVED)
                .receive("ACK seq=5001 ack=7777")
                .expectSend("RST seq=7777")
                .expectState(TcpState.SYN_RECEIVED);
    }

    @Test
    void repeatedSynGetsTheSynAckAgain() {
        s = given(TcpState.SYN_RECEIVED)
                .receive("SYN seq=5000 mss=1460")
                .expectSend("SYN,ACK seq=1000 ack=5001 mss=1460")
                .expectState(TcpState.SYN_RECEIVED);
    }

    @Test
    void lostSynAckIsRetransmittedByTheTimer() {
        s = given(TcpState.SYN_RECEIVED)
                .expectTimer("on", 1 * SEC)
                .advance(1 * SEC)
                .expectSend("SYN,ACK seq=1000 ack=5001")
                .expectTimer("on", 2 * SEC);
    }

    @Test
    void resetAtRcvNxtClosesAndAnyOtherInWindowResetIsChallenged() {
        s = given(TcpState.SYN_RECEIVED)
                .receive("RST seq=5100")
                .expectSend("ACK seq=1001 ack=5001")
                .receive("RST seq=5001")
                .expectNothingSent()
                .expectState(TcpState.CLOSED);
    }

    @Test
    void segmentOutsideTheWindowIsAnsweredWithAnAck() {
        s = given(TcpState.SYN_RECEIVED)
                .receive("ACK seq=90000 ack=1001 len=10")
                .expectSend("ACK seq=1001 ack=5001")
                .expectState(TcpState.SYN_RECEIVED);
    }
}
