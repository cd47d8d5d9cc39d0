package org.nbstack.tcp.core.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nbstack.tcp.core.script.Script.SEC;
import static org.nbstack.tcp.core.script.Script.given;

import org.junit.jupiter.api.Test;
import org.nbstack.tcp.core.CloseReason;
import org.nbstack.tcp.core.TcpState;

/** SYN_SENT, RFC 9293 §3.10.7.3: our SYN (seq 1000) is out; what each answer does. */
class SynSentScriptTest extends ScriptFixture {
    @Test
    void synAckWithAnAcceptableAckEstablishes() {
        s = given(TcpState.SYN_SENT)
                .expectTimer("on", 1 * SEC) // RFC 6298 §2.1 initial RTO
                .receive("SYN,ACK seq=5000 ack=1001 win=8192 mss=1460")
                .expectSend("ACK seq=1001 ack=5001 win=8192")
                .expectState(TcpState.ESTABLISHED);
    }

    @Test
    void ackBelowOrAtOurIssIsAnsweredWithAReset() {
        s = given(TcpState.SYN_SENT)
                .receive("ACK seq=5000 ack=1000")
                .expectSend("RST seq=1000")
                .receive("SYN,ACK seq=5000 ack=3000")
                .expectSend("RST seq=3000")
                .expectState(TcpState.SYN_SENT);
    }

    @Test
    void resetWithAnAcceptableAckRefusesTheConnection() {
        s = given(TcpState.SYN_SENT)
                .receive("RST,ACK seq=0 ack=1001")
                .expectNothingSent()
                .expectClosed(CloseReason.REFUSED);
    }

    @Test
    void resetWithoutAckIsIgnored() {
        s = given(TcpState.SYN_SENT)
                .receive("RST seq=0")
                .expectNothingSent()
                .expectState(TcpState.SYN_SENT);
    }

    @Test
    void synAloneIsASimultaneousOpen() {
        s = given(TcpState.SYN_SENT)
                .receive("SYN seq=5000 win=8192 mss=1460")
                .expectSend("SYN,ACK seq=1000 ack=5001")
                .expectState(TcpState.SYN_RECEIVED);
    }

    @Test
    void unansweredSynIsRetriedWithBackoffThenTheConnectTimesOut() {
        s = given(TcpState.SYN_SENT, Script.PLAIN.toBuilder().synRetries(2).build())
                .advance(1 * SEC).expectSend("SYN seq=1000")
                .advance(2 * SEC).expectSend("SYN seq=1000")
                .expectTimer("on", 4 * SEC)
                .advance(4 * SEC)
                .expectNothingSent() // no RST: the peer holds no state
                .expectClosed(CloseReason.CONNECT_TIMEOUT);
    }

    @Test
    void peerMssOfOneIsRaisedTo48AndNoTinySegmentsGoOut() {
        s = given(TcpState.SYN_SENT)
                .receive("SYN,ACK seq=5000 ack=1001 win=8192 mss=1")
                .expectSend("ACK seq=1001 ack=5001")
                .write(100)
                // Two 48-byte segments; the last 4 bytes wait for them under Nagle (RFC 896).
                .expectSend("ACK seq=1001 ack=5001 len=48", "ACK seq=1049 ack=5001 len=48");
        assertThat(s.counters().peerMssClamped).isEqualTo(1);
    }
}
