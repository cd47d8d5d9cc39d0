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
