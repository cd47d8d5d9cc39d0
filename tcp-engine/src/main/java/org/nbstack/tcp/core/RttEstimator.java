package org.nbstack.tcp.core;

/** Retransmission timeout per RFC 6298: SRTT/RTTVAR smoothing, clamping and exponential backoff. */
final class RttEstimator {
    private static final long CLOCK_GRANULARITY_NANOS = 1_000_000L;

    private final long rtoMin;
    private final long rtoMax;
    private long srtt;
    private long rttvar;
    private long rto;
    private int backoff;

    RttEstimator(TcpConfig config) {
        this.rtoMin = config.rtoMinNanos();
        this.rtoMax = config.rtoMaxNanos();
        this.rto = config.rtoInitialNanos(); // RFC 6298 §2.1
    }

    /** Feeds one RTT measurement (RFC 6298 §2.2/2.3) and clears the backoff (§5.7 after new data is acked). */
    void sample(long rttNanos) {
        long r = Math.max(rttNanos, 0);
        if (srtt == 0) {
            srtt = Math.max(r, 1);
            rttvar = r / 2;
        } else {
            rttvar = (3 * rttvar + Math.abs(srtt - r)) / 4;  // beta = 1/4
            srtt = Math.max((7 * srtt + r) / 8, 1);          // alpha = 1/8
        }
        rto = clamp(srtt + Math.max(CLOCK_GRANULARITY_NANOS, 4 * rttvar));
        backoff = 0;
    }

    /** RFC 6298 §5.5: the timer expired, double the RTO (bounded by the maximum). */
    void backOff() {
        backoff++;
        rto = clamp(rto * 2);
    }

    /** Resets the backoff once an acknowledgment shows the path works again. */
    void clearBackoff() {
        if (backoff > 0) {
            backoff = 0;
            if (srtt > 0) {
                rto = clamp(srtt + Math.max(CLOCK_GRANULARITY_NANOS, 4 * rttvar));
            }
        }
    }

    private long clamp(long value) {
        return Math.min(rtoMax, Math.max(rtoMin, value));
    }

    long rto() {
        return rto;
    }

    long srtt() {
        return srtt;
    }

    long rttvar() {
        return rttvar;
    }

    int backoffCount() {
        return backoff;
    }
}
