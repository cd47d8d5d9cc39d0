package org.nbstack.tcp.core.congestion;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** HyStart++ (RFC 9406 §4.2) with the constants of §4.3, rounds driven by explicit ACK numbers. */
class HyStartPlusPlusTest {
    private static final int MSS = 1000;
    private static final long MS = 1_000_000L;

    private final HyStartPlusPlus hyStart = new HyStartPlusPlus();
    private int ack;
    private int sndNxt = 10 * MSS;

    /** One round: eight one-segment ACKs, each with the given RTT sample; the round ends at SND.NXT. */
    private int round(long rttNanos) {
        int growth = 0;
        ack = sndNxt;
        sndNxt += 20 * MSS;
        for (int i = 0; i < HyStartPlusPlus.N_RTT_SAMPLE; i++) {
            growth += hyStart.onAck(ack, sndNxt, MSS, rttNanos, MSS);
            ack += MSS;
        }
        return growth;
    }

    @ParameterizedTest(name = "last round {0} us: threshold {1} us")
    @CsvSource({
            "100000, 12500", // lastRoundMinRTT / MIN_RTT_DIVISOR
            "200000, 16000", // capped at MAX_RTT_THRESH
            "20000, 4000", // floored at MIN_RTT_THRESH
    })
    void delayIncreaseOfTheThresholdEntersConservativeSlowStart(long lastRoundMicros, long thresholdMicros) {
        round(lastRoundMicros * 1000);
        round((lastRoundMicros + thresholdMicros) * 1000);
        assertThat(hyStart.phase()).isEqualTo(HyStartPlusPlus.Phase.CONSERVATIVE_SLOW_START);
    }

    @ParameterizedTest(name = "last round {0} us: {1} us more stays in slow start")
    @CsvSource({"100000, 12500", "200000, 16000", "20000, 4000"})
    void delayIncreaseJustBelowTheThresholdStaysInSlowStart(long lastRoundMicros, long thresholdMicros) {
        round(lastRoundMicros * 1000);
        round((lastRoundMicros + thresholdMicros) * 1000 - 1);
        assertThat(hyStart.phase()).isEqualTo(HyStartPlusPlus.Phase.SLOW_START);
    }

    @Test
    void fewerThanEightSamplesDecideNothing() {
        round(100 * MS);
        ack = sndNxt;
        sndNxt += 20 * MSS;
        for (int i = 0; i < HyStartPlusPlus.N_RTT_SAMPLE - 1; i++) {
            hyStart.onAck(ack, sndNxt, MSS, 200 * MS, MSS);
            ack += MSS;
        }
        assertThat(hyStart.phase()).isEqualTo(HyStartPlusPlus.Phase.SLOW_START);
        hyStart.onAck(ack, sndNxt, MSS, 200 * MS, MSS);
        assertThat(hyStart.phase()).isEqualTo(HyStartPlusPlus.Phase.CONSERVATIVE_SLOW_START);
    }

    @Test
    void slowStartGrowsByAtMostEightSegmentsPerAckAndConservativeSlowStartByAQuarter() {
        assertThat(hyStart.onAck(0, sndNxt, 12 * MSS, -1, MSS)).isEqualTo(8 * MSS);
        round(100 * MS);
        round(150 * MS);
        assertThat(hyStart.phase()).isEqualTo(HyStartPlusPlus.Phase.CONSERVATIVE_SLOW_START);
        assertThat(hyStart.onAck(ack, sndNxt, 4 * MSS, 150 * MS, MSS)).isEqualTo(MSS);
    }

    @Test
    void aRoundFasterThanTheBaselineResumesSlowStart() {
        round(100 * MS);
        round(150 * MS);
        round(149 * MS);
        assertThat(hyStart.phase()).isEqualTo(HyStartPlusPlus.Phase.SLOW_START);
    }

    @Test
    void fiveRoundsOfConservativeSlowStartEndSlowStart() {
        round(100 * MS);
        round(150 * MS); // enters CSS
        for (int i = 0; i < HyStartPlusPlus.CSS_ROUNDS - 1; i++) {
            round(150 * MS);
        }
        assertThat(hyStart.phase()).isEqualTo(HyStartPlusPlus.Phase.CONSERVATIVE_SLOW_START);
        ack = sndNxt; // the ACK that ends the fifth CSS round
        assertThat(hyStart.onAck(ack, sndNxt + 20 * MSS, MSS, 150 * MS, MSS)).isZero();
        assertThat(hyStart.phase()).isEqualTo(HyStartPlusPlus.Phase.DONE);
    }
}
