package org.nbstack.tcp.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** RFC 6298 timer arithmetic with Linux's bounds. */
class RttEstimatorTest {
    private static final long MS = 1_000_000L;

    @Test
    void startsAtOneSecond() {
        assertThat(new RttEstimator(TcpConfig.DEFAULT).rto()).isEqualTo(1000 * MS);
    }

    @Test
    void firstSampleSetsSrttAndHalfVariance() {
        RttEstimator r = new RttEstimator(TcpConfig.DEFAULT);
        r.sample(100 * MS);
        assertThat(r.srtt()).isEqualTo(100 * MS);
        assertThat(r.rttvar()).isEqualTo(50 * MS);
        assertThat(r.rto()).isEqualTo(300 * MS); // SRTT + 4 * RTTVAR (RFC 6298 §2.2)
    }

    @Test
    void laterSamplesAreSmoothedWithAlphaAndBeta() {
        RttEstimator r = new RttEstimator(TcpConfig.DEFAULT);
        r.sample(100 * MS);
        r.sample(200 * MS);
        assertThat(r.rttvar()).isEqualTo((3 * 50 * MS + 100 * MS) / 4);
        assertThat(r.srtt()).isEqualTo((7 * 100 * MS + 200 * MS) / 8);
    }

    @Test
    void neverBelowTheMinimumNorAboveTheMaximum() {
        RttEstimator r = new RttEstimator(TcpConfig.DEFAULT);
        r.sample(10_000); // 10 us on a fast link
        assertThat(r.rto()).isEqualTo(200 * MS);
        for (int i = 0; i < 20; i++) {
            r.backOff();
        }
        assertThat(r.rto()).isEqualTo(120_000 * MS);
    }

    @Test
    void backoffDoublesAndANewSampleClearsIt() {
        RttEstimator r = new RttEstimator(TcpConfig.DEFAULT);
        r.backOff();
        assertThat(r.rto()).isEqualTo(2000 * MS);
        r.backOff();
        assertThat(r.rto()).isEqualTo(4000 * MS);
        assertThat(r.backoffCount()).isEqualTo(2);
        r.sample(100 * MS);
        assertThat(r.backoffCount()).isZero();
        assertThat(r.rto()).isEqualTo(300 * MS);
    }
}
