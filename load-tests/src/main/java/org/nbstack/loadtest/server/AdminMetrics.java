package org.nbstack.loadtest.server;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads figures out of the Prometheus text a server's admin endpoint serves at {@code /metrics}. */
public final class AdminMetrics {

    /** {@code tcp_retransmits_total{...kind="syn"...} 3.0}, also with a prefix such as {@code engine_}. */
    private static final Pattern SYN_RETRANSMITS =
            Pattern.compile("(?m)^(?:\\w+_)?tcp_retransmits_total\\{[^}]*kind=\"syn\"[^}]*}\\s+([0-9.eE+-]+)");

    private AdminMetrics() {
    }

    /**
     * The engine's counters as a {@code bin/nbstack serve} process exposes them ({@code tcp_*} meters of its
     * StackMetrics); empty when the text has none (a server on the kernel's TCP). Shard-queue and link drops are
     * not exposed there and read as 0.
     */
    public static Optional<EngineCounters> engineCounters(String prometheusText) {
        Optional<Long> syn = synRetransmissions(prometheusText);
        if (syn.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new EngineCounters(syn.get(), sum(prometheusText, "tcp_retransmits_total", "kind=\"timeout\""),
                sum(prometheusText, "tcp_retransmitted_segments_total", ""), sum(prometheusText, "tcp_duplicate_acks_total", ""),
                sum(prometheusText, "tcp_drops_total", ""), 0,
                sum(prometheusText, "tcp_listen_overflows_total", "") + sum(prometheusText, "tcp_connection_limit_drops_total", "")));
    }

    /** The sum of the series of {@code name} whose labels contain {@code label} (every series when it is empty). */
    static long sum(String prometheusText, String name, String label) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})?\\s+([0-9.eE+-]+)").matcher(prometheusText);
        double total = 0;
        while (matcher.find()) {
            String labels = matcher.group(1) == null ? "" : matcher.group(1);
            if (labels.contains(label)) {
                total += Double.parseDouble(matcher.group(2));
            }
        }
        return (long) total;
    }

    /** The SYN retransmission count in {@code prometheusText}, summed over its series; empty when there is none. */
    public static Optional<Long> synRetransmissions(String prometheusText) {
        Matcher matcher = SYN_RETRANSMITS.matcher(prometheusText);
        double total = 0;
        boolean found = false;
        while (matcher.find()) {
            total += Double.parseDouble(matcher.group(1));
            found = true;
        }
        return found ? Optional.of((long) total) : Optional.empty();
    }
}
