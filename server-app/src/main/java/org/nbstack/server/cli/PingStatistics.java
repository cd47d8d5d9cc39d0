package org.nbstack.server.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Round-trip times of one ping run and their summary: min/avg/p50/p99/max in milliseconds. */
final class PingStatistics {

    private final List<Long> rttNanos = new ArrayList<>();
    private int sent;

    void sent() {
        sent++;
    }

    void received(long nanos) {
        rttNanos.add(nanos);
    }

    int sentCount() {
        return sent;
    }

    int receivedCount() {
        return rttNanos.size();
    }

    /** The nearest-rank percentile ({@code p} in 0..100) of the received round trips, in nanoseconds. */
    long percentile(double p) {
        List<Long> sorted = new ArrayList<>(rttNanos);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    String summary(String target) {
        int lost = sent - rttNanos.size();
        StringBuilder out = new StringBuilder();
        out.append("--- ").append(target).append(" ping statistics ---\n");
        out.append(String.format(Locale.ROOT, "%d sent, %d received, %d%% lost%n", sent, rttNanos.size(),
                sent == 0 ? 0 : Math.round(100.0 * lost / sent)));
        if (!rttNanos.isEmpty()) {
            double avg = rttNanos.stream().mapToLong(Long::longValue).average().orElse(0);
            out.append(String.format(Locale.ROOT, "rtt min/avg/p50/p99/max = %.3f/%.3f/%.3f/%.3f/%.3f ms%n", ms(percentile(0)),
                    avg / 1e6, ms(percentile(50)), ms(percentile(99)), ms(percentile(100))));
        }
        return out.toString();
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }
}
