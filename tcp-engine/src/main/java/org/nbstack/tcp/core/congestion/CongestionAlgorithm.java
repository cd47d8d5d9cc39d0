package org.nbstack.tcp.core.congestion;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The congestion control algorithms a stack or a channel can choose, by their configuration names. */
public enum CongestionAlgorithm {
    /** RFC 5681 / RFC 6582 / RFC 3465: halve on loss, one segment per RTT in congestion avoidance. */
    NEWRENO("newreno"),
    /** RFC 9438 with HyStart++ (RFC 9406) and Proportional Rate Reduction (RFC 6937): Linux's default. */
    CUBIC("cubic");

    private final String configName;

    CongestionAlgorithm(String configName) {
        this.configName = configName;
    }

    /** The name in configuration files, netstat and metrics. */
    public String configName() {
        return configName;
    }

    /** A new controller of this algorithm for one connection. */
    public CongestionControl newController() {
        return switch (this) {
            case NEWRENO -> new NewReno();
            case CUBIC -> new Cubic();
        };
    }

    /** The algorithm named {@code name} (case-insensitive), or an error naming the allowed values. */
    public static CongestionAlgorithm parse(String name) {
        String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (CongestionAlgorithm algorithm : values()) {
            if (algorithm.configName.equals(wanted)) {
                return algorithm;
            }
        }
        throw new IllegalArgumentException("unknown congestion control '" + name + "', allowed: " + allowedNames());
    }

    /** The allowed configuration names, for error messages: "newreno, cubic". */
    public static String allowedNames() {
        return Arrays.stream(values()).map(CongestionAlgorithm::configName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return configName;
    }
}
