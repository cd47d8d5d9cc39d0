package org.nbstack.tcp.core.congestion;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PRR's arithmetic (RFC 6937 §3.1), in segments as in the RFC's examples (MSS = 1). */
class ProportionalRateReductionTest {

    @Test
    void aSingleLossInAWindowOfTwentySendsOnEveryOtherAckDownToSsthresh() {
        // RFC 6937 §5's example: 20 segments in flight, one lost, ssthresh 10 (Reno's half). Each ACK delivers one
        // segment. PRR sends one segment per two ACKs (the first is the retransmission) while pipe > ssthresh, so
        // the flight falls smoothly, and ends with pipe at ssthresh.
        ProportionalRateReduction prr = new ProportionalRateReduction();
        prr.start(10, 20);
        int pipe = 19;
        List<Integer> sent = new ArrayList<>();
        for (int ack = 0; ack < 19; ack++) {
            pipe--;
            int sndcnt = prr.onAck(1, pipe, 1);
            prr.onSent(sndcnt);
            pipe += sndcnt;
            sent.add(sndcnt);
        }
        assertThat(sent).containsExactly(1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1);
        assertThat(pipe).isEqualTo(10);
        assertThat(prr.delivered()).isEqualTo(19);
        assertThat(prr.out()).isEqualTo(10);
    }

    @Test
    void belowSsthreshTheSlowStartReductionBoundAllowsDeliveredPlusOneSegment() {
        // Heavy losses left pipe (4) well below ssthresh (10): PRR-SSRB catches up like slow start, by at most
        // what each ACK delivered plus one segment, not by the whole ssthresh - pipe at once.
        ProportionalRateReduction prr = new ProportionalRateReduction();
        prr.start(10, 20);
        assertThat(prr.onAck(1, 4, 1)).isEqualTo(2);
        prr.onSent(2);
        assertThat(prr.onAck(3, 3, 1)).isEqualTo(4); // a stretch ACK of three: max(4 - 2, 3) + 1
        prr.onSent(4);
        assertThat(prr.onAck(1, 9, 1)).isEqualTo(1); // never beyond ssthresh - pipe
    }

    @Test
    void sendsNothingWhileTheProportionIsAlreadySpent() {
        ProportionalRateReduction prr = new ProportionalRateReduction();
        prr.start(7_000, 10_000); // CUBIC's beta 0.7, in bytes
        prr.onSent(1_000); // the fast retransmission
        assertThat(prr.onAck(1_000, 9_000, 1_000)).isZero(); // ceil(1000 * 0.7) - 1000 < 0
        assertThat(prr.onAck(1_000, 8_000, 1_000)).isEqualTo(400); // ceil(2000 * 0.7) - 1000
    }
}
