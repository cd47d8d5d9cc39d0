package org.nbstack.tcp.core.congestion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** CUBIC's window (RFC 9438) against the RFC's formulas, with explicit time and 1000-byte segments. */
class CubicTest {
    private static final int MSS = 1000;
    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = 10 * SECOND;

    /** K for W_max = 100 segments after a reduction to beta * W_max = 70: cbrt(30 / 0.4) seconds (§4.2 eq. 2). */
    private static final double K = 4.217163326508746;

    @Test
    void curveConstantsAreTheRfcs() {
        assertThat(CubicCurve.k(100, 70)).isCloseTo(K, within(1e-12));
        assertThat(CubicCurve.window(0, K, 100)).isCloseTo(70, within(1e-9));
        assertThat(CubicCurve.window(2, K, 100)).isCloseTo(95.64033568663878, within(1e-9));
        assertThat(CubicCurve.window(K, K, 100)).isCloseTo(100, within(1e-9)); // the plateau at W_max
        assertThat(CubicCurve.window(2 * K, K, 100)).isCloseTo(130, within(1e-9)); // convex beyond it
        assertThat(CubicCurve.ALPHA).isCloseTo(3 * 0.3 / 1.7, within(1e-15)); // §4.3: 0.529...
        assertThat(CubicCurve.target(200, 70)).isEqualTo(105); // §4.2: at most 1.5 cwnd per RTT
        assertThat(CubicCurve.target(60, 70)).isEqualTo(70); // never below cwnd
    }

    /** A window of 100 segments meets a loss and leaves recovery at ssthresh: the epoch begins at the next ACK. */
    private static Cubic afterLossAt100Segments() {
        Cubic cubic = new Cubic();
        cubic.start(0, 100 * MSS);
        cubic.onFastRecovery(SECOND, 100 * MSS, MSS);
        assertThat(cubic.ssthresh()).isEqualTo(70 * MSS); // §4.6: beta_cubic = 0.7
        assertThat(cubic.wMax()).isEqualTo(100.0);
        cubic.setCwnd(cubic.ssthresh()); // recovery ends at ssthresh
        cubic.onAck(T0, 1, 0, 0, MSS, true); // the epoch starts here (one byte: no growth to speak of)
        return cubic;
    }

    @Test
    void windowFollowsTheCubicCurveThroughWmax() {
        Cubic cubic = afterLossAt100Segments();
        // An ACK of a whole window moves cwnd all the way to the target W_cubic(t + RTT) (§4.4).
        cubic.onAck(T0 + 2 * SECOND, cubic.cwnd(), 0, 0, MSS, true);
        assertThat(cubic.cwnd()).isCloseTo(95_640, within(1)); // concave: 95.64 segments after 2 s
        cubic.onAck(T0 + (long) (K * SECOND), cubic.cwnd(), 0, 0, MSS, true);
        assertThat(cubic.cwnd()).isCloseTo(100_000, within(1)); // back at W_max after K seconds
        cubic.onAck(T0 + (long) (2 * K * SECOND), cubic.cwnd(), 0, 0, MSS, true);
        assertThat(cubic.cwnd()).isCloseTo(130_000, within(1)); // convex: W_max + C*K^3 after 2K
    }

    @Test
    void targetLooksOneRttAhead() {
        Cubic cubic = afterLossAt100Segments();
        cubic.onRttSample(T0 + SECOND, SECOND, SECOND);
        cubic.onAck(T0 + SECOND, cubic.cwnd(), 0, 0, MSS, true);
        assertThat(cubic.cwnd()).isCloseTo(95_640, within(1)); // W_cubic(1 s + 1 s RTT)
    }

    @Test
    void growthPerRttIsCappedAtHalfTheWindow() {
        Cubic cubic = afterLossAt100Segments();
        cubic.onAck(T0 + 20 * SECOND, cubic.cwnd(), 0, 0, MSS, true);
        assertThat(cubic.cwnd()).isCloseTo(105_000, within(1));
    }

    @Test
    void shortRttsGrowAtLeastAsFastAsReno() {
        // W_max 10 segments, 1 ms RTT: the cubic curve barely moves in 7 ms, the Reno-friendly estimate grows
        // by alpha_cubic per RTT until it passes the window of the loss, then by one segment per RTT (§4.3).
        Cubic cubic = new Cubic();
        cubic.start(0, 10 * MSS);
        cubic.onFastRecovery(SECOND, 10 * MSS, MSS);
        cubic.setCwnd(cubic.ssthresh());
        long now = T0;
        for (int rtt = 0; rtt < 6; rtt++) {
            cubic.onAck(now, cubic.cwnd(), 0, 0, MSS, true);
            now += 1_000_000L;
        }
        assertThat(cubic.cwnd()).isCloseTo((int) ((7 + 6 * CubicCurve.ALPHA) * MSS), within(3));
        cubic.onAck(now, cubic.cwnd(), 0, 0, MSS, true);
        assertThat(cubic.cwnd()).isCloseTo((int) ((8 + 6 * CubicCurve.ALPHA) * MSS), within(3));
    }

    @Test
    void fastConvergenceReleasesBandwidthWhenTheWindowShrinks() {
        Cubic cubic = afterLossAt100Segments();
        cubic.setCwnd(80 * MSS);
        cubic.onFastRecovery(T0 + SECOND, 80 * MSS, MSS);
        assertThat(cubic.wMax()).isEqualTo(68.0); // §4.7: 80 * (1 + 0.7) / 2, below the 80 of the loss
        assertThat(cubic.ssthresh()).isEqualTo(56 * MSS);
    }

    @Test
    void timeoutFallsToOneSegmentAndRestartsWithStandardSlowStartAndKZero() {
        Cubic cubic = new Cubic();
        cubic.start(0, 100 * MSS);
        cubic.onRetransmitTimeout(SECOND, 100 * MSS, MSS);
        assertThat(cubic.cwnd()).isEqualTo(MSS);
        assertThat(cubic.ssthresh()).isEqualTo(70 * MSS);
        cubic.onAck(2 * SECOND, 5 * MSS, 0, 0, MSS, true);
        assertThat(cubic.cwnd()).isEqualTo(3 * MSS); // RFC 3465 L = 2 SMSS, not HyStart++'s 8
        assertThat(cubic.slowStartPhase()).isEqualTo(HyStartPlusPlus.Phase.DONE);
        cubic.setCwnd(70 * MSS);
        cubic.onAck(T0, 1, 0, 0, MSS, true);
        cubic.onAck(T0 + 2 * SECOND, cubic.cwnd(), 0, 0, MSS, true);
        assertThat(cubic.cwnd()).isCloseTo(73_200, within(1)); // §4.8: K = 0, W_max = 70: 70 + 0.4 * 2^3
    }

    @Test
    void undoRestoresTheWindowAndTheCurveOfBeforeTheLoss() {
        Cubic cubic = afterLossAt100Segments();
        cubic.onFastRecovery(T0 + SECOND, 70 * MSS, MSS);
        assertThat(cubic.wMax()).isCloseTo(59.5, within(1e-4)); // fast convergence from 70 < 100
        cubic.undo(70 * MSS, 70 * MSS);
        assertThat(cubic.cwnd()).isEqualTo(70 * MSS);
        assertThat(cubic.ssthresh()).isEqualTo(70 * MSS);
        assertThat(cubic.wMax()).isEqualTo(100.0); // §4.9: W_max of before the spurious reduction
    }

    @Test
    void applicationLimitedAcksDoNotGrowTheWindow() {
        Cubic cubic = afterLossAt100Segments();
        cubic.onAck(T0 + 2 * SECOND, 70 * MSS, 0, 0, MSS, false);
        assertThat(cubic.cwnd()).isEqualTo(70 * MSS);
    }

    @Test
    void firstSlowStartIsHyStartPlusPlus() {
        Cubic cubic = new Cubic();
        cubic.start(0, 10 * MSS);
        cubic.onAck(SECOND, 20 * MSS, 20 * MSS, 30 * MSS, MSS, true);
        assertThat(cubic.cwnd()).isEqualTo(18 * MSS); // RFC 9406: min(N, L * SMSS) with L = 8
        assertThat(cubic.slowStartPhase()).isEqualTo(HyStartPlusPlus.Phase.SLOW_START);
    }
}
