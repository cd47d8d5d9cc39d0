package org.nbstack.netbios.session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The wall-clock isolation figures as a benchmark: healthy round-trip percentiles without failing clients (the
 * baseline) and during the failures, per transport, side by side in {@code target/bench/isolation.json}
 * ({@code bin/bench isolation}). Never a pass/fail criterion: on a shared machine these move with its load.
 */
final class IsolationBench {
    static final Path FILE = Path.of("target", "bench", "isolation.json");
    private static final double[] QUANTILES = {0.5, 0.9, 0.99};
    private static final Map<String, List<String>> ROWS = new TreeMap<>();

    private IsolationBench() {
    }

    /** Adds (or replaces) the rows of {@code transport} and rewrites the file. */
    static synchronized void record(String network, String transport, List<Long> baseline, List<Long> duringFailure) {
        List<String> rows = new ArrayList<>();
        for (double q : QUANTILES) {
            long base = percentile(baseline, q);
            long failure = percentile(duringFailure, q);
            String name = "isolation." + transport + ".healthy_rtt_p" + (int) Math.round(q * 100);
            rows.add(String.format(Locale.ROOT,
                    "  {\"name\": \"%s\", \"value\": %.1f, \"unit\": \"us\", \"baseline\": %.1f, \"ratio\": %.3f, \"network\": \"%s\", \"samples\": %d}",
                    name, failure / 1e3, base / 1e3, base == 0 ? 0 : (double) failure / base, network, duringFailure.size()));
        }
        ROWS.put(transport, rows);
        List<String> all = new ArrayList<>();
        ROWS.values().forEach(all::addAll);
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, "[\n" + String.join(",\n", all) + "\n]\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + FILE.toAbsolutePath(), e);
        }
    }

    private static long percentile(List<Long> values, double p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1));
    }
}
