package org.nbstack.server.cli;

import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * Round-trip times of one ping run and their summary: min/avg/p50/p99/max in milliseconds. The percentiles come
 * from an HdrHistogram (three significant digits), so a long run holds a few kilobytes, not one entry per echo;
 * min, max and the average are exact.
 */
final class PingStatistics {

    /** Three significant digits: a percentile is within 0.1% of the true round trip, finer than the output shows. */
    private static final int SIGNIFICANT_DIGITS = 3;

    private final Histogram rttNanos = new Histogram(SIGNIFICANT_DIGITS);
    private int sent;
    private long minNanos = Long.MAX_VALUE;
    private long maxNanos;
    private long sumNanos;

    void sent() {
        sent++;
    }

    void received(long nanos) {
        long rtt = Math.max(1, nanos); // the histogram counts positive values; no round trip takes 0 ns
        rttNanos.recordValue(rtt);
        minNanos = Math.min(minNanos, rtt);
        maxNanos = Math.max(maxNanos, rtt);
        sumNanos += rtt;
    }

    int sentCount() {
        return sent;
    }

    int receivedCount() {
        return (int) rttNanos.getTotalCount();
    }

    /** The percentile ({@code p} in 0..100) of the received round trips in nanoseconds; 0 and 100 are min and max. */
    long percentile(double p) {
        if (p <= 0) {
            return minNanos;
        }
        if (p >= 100) {
            return maxNanos;
        }
        // the histogram answers with the highest value equivalent to the bucket; never beyond the real maximum
        return Math.min(maxNanos, rttNanos.getValueAtPercentile(p));
    }

    String summary(String target) {
        int received = receivedCount();
        int lost = sent - received;
        StringBuilder out = new StringBuilder();
        out.append("--- ").append(target).append(" ping statistics ---\n");
        out.append(String.format(Locale.ROOT, "%d sent, %d received, %d%% lost%n", sent, received,
                sent == 0 ? 0 : Math.round(100.0 * lost / sent)));
        if (received > 0) {
            out.append(String.format(Locale.ROOT, "rtt min/avg/p50/p99/max = %.3f/%.3f/%.3f/%.3f/%.3f ms%n", ms(percentile(0)),
                    ms(sumNanos) / received, ms(percentile(50)), ms(percentile(99)), ms(percentile(100))));
        }
        return out.toString();
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }
}
