package org.nbstack.tcp.core.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nbstack.tcp.core.script.Script.MS;
import static org.nbstack.tcp.core.script.Script.SEC;
import static org.nbstack.tcp.core.script.Script.given;

import org.junit.jupiter.api.Test;
import org.nbstack.tcp.core.CloseReason;
import org.nbstack.tcp.core.TcpState;

/**
 * TIME_WAIT (RFC 9293 §3.10.7.4, RFC 1337): we closed first; our FIN (1001) and the peer's FIN (5001) are both
 * acknowledged, RCV.NXT is 5002, and the entry lasts exactly 2*MSL (60 s) unless the peer's FIN comes again.
 */
class TimeWaitScriptTest extends ScriptFixture {
    @Test
    void timeWaitLastsExactly2MslAndEndsQuietly() {
        s = given(TcpState.TIME_WAIT)
                .expectTimer("timewait", 60 * SEC)
                .advance(60 * SEC - 1)
                .expectState(TcpState.TIME_WAIT)
                .advance(1)
                .expectNothingSent()
                .expectClosed(CloseReason.NORMAL);
    }

    @Test
    void retransmittedPeerFinIsAcknowledgedAndRestarts2Msl() {
        s = given(TcpState.TIME_WAIT)
                .advance(30 * SEC)
                .receive("FIN,ACK seq=5001 ack=1002")
                .expectSend("ACK seq=1002 ack=5002")
                .expectTimer("timewait", 60 * SEC);
    }

    @Test
    void finAtAnyOtherSequenceNumberDoesNotRestart2MslAndItsAcksAreRateLimited() {
        s = given(TcpState.TIME_WAIT)
                .advance(30 * SEC)
                .receive("FIN,ACK seq=9000 ack=1002")
                .expectSend("ACK seq=1002 ack=5002")
                .advance(100 * MS)
                .receive("FIN,ACK seq=9100 ack=1002")
                .expectNothingSent() // one answer per 500 ms
                .expectTimer("timewait", 30 * SEC - 100 * MS);
    }

    @Test
    void resetIsIgnored() {
        s = given(TcpState.TIME_WAIT)
                .receive("RST seq=5002") // RFC 1337: no TIME-WAIT assassination
                .expectNothingSent()
                .expectState(TcpState.TIME_WAIT)
                .expectTimer("timewait", 60 * SEC);
    }

    @Test
    void synThatIsNotProvablyNewGetsTheOldAck() {
        // The owner (TcpStack) admits provably new SYNs before the connection sees them; this one is old.
        s = given(TcpState.TIME_WAIT)
                .receive("SYN seq=4000")
                .expectSend("ACK seq=1002 ack=5002")
                .expectState(TcpState.TIME_WAIT);
    }

    // Decision 0007: the one RST TIME_WAIT accepts is the reconnecting peer's answer to our ACK of its SYN. A client
    // without timestamps whose new ISN (4000) is not above the old RCV.NXT (5002) gets the old ACK, and RFC 9293
    // §3.10.7.3 makes it answer <SEQ=SEG.ACK><CTL=RST>, so the RST carries our RCV.NXT.

    @Test
    void resetAnsweringOurAckOfAReconnectSynReleasesTimeWait() {
        s = given(TcpState.TIME_WAIT)
                .receive("SYN seq=4000")
                .expectSend("ACK seq=1002 ack=5002")
                .advance(100 * MS) // the client's RST, one round trip later
                .receive("RST seq=5002")
                .expectNothingSent()
                .expectClosed(CloseReason.REPLACED);
        assertThat(s.counters().timeWaitResetReleases).isEqualTo(1);
    }

    @Test
    void unsolicitedResetIsIgnoredEvenAfterOurAckOfData() {
        // RFC 1337 hazard H1: an old duplicate draws our ACK and the peer answers with a RST. Only a SYN opens the window.
        s = given(TcpState.TIME_WAIT)
                .receive("PSH,ACK seq=4000 ack=1002 len=10")
                .expectSend("ACK seq=1002 ack=5002")
                .advance(100 * MS)
                .receive("RST seq=5002")
                .expectNothingSent()
                .expectState(TcpState.TIME_WAIT)
                .expectTimer("timewait", 60 * SEC - 100 * MS);
        assertThat(s.counters().timeWaitResetsIgnored).isEqualTo(1);
    }

    @Test
    void resetAfterTheWindowOrAtAnotherSequenceNumberIsIgnored() {
        s = given(TcpState.TIME_WAIT)
                .receive("SYN seq=4000")
                .expectSend("ACK seq=1002 ack=5002")
                .advance(1 * SEC + 1) // the window is one RTO of the old connection (here the initial 1 s), at least 1 s
                .receive("RST seq=5002")
                .expectState(TcpState.TIME_WAIT)
                .receive("SYN seq=4000")
                .expectSend("ACK seq=1002 ack=5002")
                .receive("RST seq=5003") // not the value our ACK carried; it also uses up the window
                .receive("RST seq=5002")
                .expectNothingSent()
                .expectState(TcpState.TIME_WAIT)
                .expectTimer("timewait", 60 * SEC - 1 * SEC - 1);
        assertThat(s.counters().timeWaitResetsIgnored).isEqualTo(3);
    }

    @Test
    void resetAfterAnOldDuplicateOfThisConnectionsSynIsIgnored() {
        s = given(TcpState.TIME_WAIT)
                .receive("SYN seq=5000") // the SYN that opened this connection, delayed in the network
                .expectSend("ACK seq=1002 ack=5002")
                .receive("RST seq=5002")
                .expectState(TcpState.TIME_WAIT);
    }

    @Test
    void dataIsAnsweredWithAnAck() {
        s = given(TcpState.TIME_WAIT)
                .receive("PSH,ACK seq=5002 ack=1002 len=10")
                .expectSend("ACK seq=1002 ack=5002")
                .expectDelivered(0)
                .expectState(TcpState.TIME_WAIT);
    }
}
