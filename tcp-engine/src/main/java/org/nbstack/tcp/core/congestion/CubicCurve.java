package org.nbstack.tcp.core.congestion;

/**
 * CUBIC's window function (RFC 9438 §4.2), in segments and seconds: W_cubic(t) = C*(t-K)^3 + W_max with
 * K = cbrt((W_max - cwnd_epoch)/C), and the Reno-friendly estimate of §4.3.
 */
public final class CubicCurve {
    /** §5.1: C, in segments per second cubed. */
    public static final double C = 0.4;
    /** §5.1: the multiplicative decrease factor. */
    public static final double BETA = 0.7;
    /** §4.3: the additive increase that makes the Reno-friendly estimate as fast as Reno on average. */
    public static final double ALPHA = 3 * (1 - BETA) / (1 + BETA);

    private CubicCurve() {
    }

    /** §4.2 equation 2: the time (seconds) the curve takes from {@code cwndEpoch} to {@code wMax} segments. */
    public static double k(double wMax, double cwndEpoch) {
        return Math.cbrt((wMax - cwndEpoch) / C);
    }

    /** §4.2 equation 1: the window (segments) {@code t} seconds into the epoch. */
    public static double window(double t, double k, double wMax) {
        double d = t - k;
        return C * d * d * d + wMax;
    }

    /** §4.2: the target one RTT ahead, kept between cwnd and 1.5 cwnd. */
    public static double target(double cubicAhead, double cwnd) {
        if (cubicAhead < cwnd) {
            return cwnd;
        }
        return Math.min(cubicAhead, 1.5 * cwnd);
    }

    /** §4.7 fast convergence: W_max after a loss at {@code cwnd} when the previous maximum was {@code wMax}. */
    public static double maxAfterLoss(double cwnd, double wMax) {
        return cwnd < wMax ? cwnd * (1 + BETA) / 2 : cwnd;
    }
}
