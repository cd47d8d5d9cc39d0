package org.nbstack.tcp.core.congestion;

import org.nbstack.tcp.core.TcpConfig;

/**
 * CUBIC (RFC 9438): after a loss the window follows W_cubic(t) = C*(t-K)^3 + W_max from the reduced window back
 * to the window of the loss (concave) and beyond it (convex), never slower than the Reno-friendly estimate W_est.
 * The first slow start is HyStart++ (RFC 9406); slow start after a timeout is RFC 5681's with RFC 3465's L = 2.
 * The window is kept in bytes as a fraction, so that growth of less than a byte per ACK is not lost.
 */
public final class Cubic implements CongestionControl {
    private static final long NO_EPOCH = Long.MIN_VALUE;

    private double window;
    private int ssthresh = Integer.MAX_VALUE;
    private HyStartPlusPlus hyStart = new HyStartPlusPlus();
    private long smoothedRttNanos;
    private long pendingRttSample = -1;

    // The congestion avoidance epoch (§4.2), in segments and nanoseconds.
    private long epochStart = NO_EPOCH;
    private double k;
    private double wMax;
    /** §4.10 / §4.8: no loss since the start, or a timeout: the next epoch starts with K = 0 at its own window. */
    private boolean wMaxFromEpoch = true;
    private double wEst;
    /** §4.3: the window when ssthresh was last set; W_est grows with alpha 1 once it reaches it. */
    private double cwndPrior;

    // The state before the last reduction, for undo (§4.9).
    private double priorWMax;
    private boolean priorWMaxFromEpoch;
    private double priorCwndPrior;

    @Override
    public CongestionAlgorithm algorithm() {
        return CongestionAlgorithm.CUBIC;
    }

    @Override
    public int cwnd() {
        return (int) window;
    }

    @Override
    public int ssthresh() {
        return ssthresh;
    }

    /** Where the first slow start is (HyStart++), {@code DONE} once it ended. */
    public HyStartPlusPlus.Phase slowStartPhase() {
        return hyStart == null ? HyStartPlusPlus.Phase.DONE : hyStart.phase();
    }

    /** W_max in segments: the window of the last loss, after fast convergence. */
    public double wMax() {
        return wMax;
    }

    @Override
    public void start(long now, int initialWindow) {
        window = initialWindow;
    }

    @Override
    public void resume(long now, int cwnd, int ssthresh) {
        window = cwnd;
        this.ssthresh = ssthresh;
        if (ssthresh != Integer.MAX_VALUE) {
            hyStart = null; // slow start after a loss is not the first one
        }
    }

    @Override
    public void onRttSample(long now, long sampleNanos, long smoothedNanos) {
        pendingRttSample = sampleNanos;
        smoothedRttNanos = smoothedNanos;
    }

    @Override
    public void onAck(long now, int ackedBytes, int ack, int sndNxt, int mss, boolean cwndLimited) {
        long rttSample = pendingRttSample;
        pendingRttSample = -1;
        if (!cwndLimited) {
            // §5.8: an application-limited flow does not grow, and the idle time must not count in t: the next
            // epoch starts from the window there is then.
            epochStart = NO_EPOCH;
            return;
        }
        if (window < ssthresh) {
            slowStart(ackedBytes, ack, sndNxt, rttSample, mss);
        } else {
            congestionAvoidance(now, ackedBytes, mss);
        }
        if (window > TcpConfig.MAX_WINDOW) {
            window = TcpConfig.MAX_WINDOW;
        }
    }

    private void slowStart(int ackedBytes, int ack, int sndNxt, long rttSample, int mss) {
        if (hyStart == null) {
            window += Math.min(ackedBytes, 2 * mss); // RFC 5681 §3.1, RFC 3465 L = 2*SMSS
            return;
        }
        window += hyStart.onAck(ack, sndNxt, ackedBytes, rttSample, mss);
        if (hyStart.phase() == HyStartPlusPlus.Phase.DONE) {
            ssthresh = (int) window; // RFC 9406 §4.2: congestion avoidance from here
            cwndPrior = window / mss;
            hyStart = null;
        }
    }

    private void congestionAvoidance(long now, int ackedBytes, int mss) {
        double cwnd = window / mss;
        if (epochStart == NO_EPOCH) {
            epochStart = now;
            if (wMaxFromEpoch) {
                wMax = cwnd; // §4.8 / §4.10: K = 0 and W_max the window at the start of this epoch
                wMaxFromEpoch = false;
            }
            k = CubicCurve.k(wMax, cwnd);
            wEst = cwnd;
        }
        double segmentsAcked = (double) ackedBytes / mss;
        double t = (now - epochStart) / 1e9;
        // §4.3: W_est grows like Reno with alpha_cubic, and like Reno itself once past the window of the loss.
        wEst += (wEst >= cwndPrior ? 1.0 : CubicCurve.ALPHA) * segmentsAcked / cwnd;
        if (CubicCurve.window(t, k, wMax) < wEst) {
            cwnd = wEst; // §4.3 Reno-friendly region
        } else {
            double ahead = CubicCurve.window(t + smoothedRttNanos / 1e9, k, wMax);
            double target = CubicCurve.target(ahead, cwnd);
            cwnd += (target - cwnd) / cwnd * segmentsAcked; // §4.4 / §4.5, per segment acknowledged
        }
        window = cwnd * mss;
    }

    @Override
    public void onFastRecovery(long now, int flightBytes, int mss) {
        reduce(flightBytes, mss);
    }

    @Override
    public void onTailLossRepaired(long now, int mss) {
        reduce((int) window, mss); // as NewReno: after a repaired tail the flight is near empty
        window = ssthresh;
    }

    @Override
    public void onRetransmitTimeout(long now, int flightBytes, int mss) {
        saveForUndo();
        // §4.8: ssthresh with beta_cubic, the loss window of RFC 5681, and the next epoch starts afresh.
        ssthresh = Math.max((int) (flightBytes * CubicCurve.BETA), 2 * mss);
        cwndPrior = window / mss;
        window = mss;
        wMaxFromEpoch = true;
        epochStart = NO_EPOCH;
        hyStart = null;
    }

    /** §4.6 multiplicative decrease and §4.7 fast convergence; the loss recovery sets the window. */
    private void reduce(int flightBytes, int mss) {
        saveForUndo();
        double cwnd = window / mss;
        wMax = wMaxFromEpoch ? cwnd : CubicCurve.maxAfterLoss(cwnd, wMax);
        wMaxFromEpoch = false;
        cwndPrior = cwnd;
        ssthresh = Math.max((int) (flightBytes * CubicCurve.BETA), 2 * mss);
        epochStart = NO_EPOCH;
        hyStart = null; // RFC 9406 §4.2: a loss ends slow start
    }

    private void saveForUndo() {
        priorWMax = wMax;
        priorWMaxFromEpoch = wMaxFromEpoch;
        priorCwndPrior = cwndPrior;
    }

    @Override
    public boolean proportionalRateReduction() {
        return true;
    }

    @Override
    public void setCwnd(int bytes) {
        window = bytes;
    }

    @Override
    public void undo(int priorCwnd, int priorSsthresh) {
        window = Math.max(window, priorCwnd);
        ssthresh = Math.max(ssthresh, priorSsthresh);
        // §4.9: the curve of before the spurious reduction
        wMax = priorWMax;
        wMaxFromEpoch = priorWMaxFromEpoch;
        cwndPrior = priorCwndPrior;
        epochStart = NO_EPOCH;
    }
}
