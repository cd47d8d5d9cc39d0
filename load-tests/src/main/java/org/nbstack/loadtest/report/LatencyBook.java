package org.nbstack.loadtest.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every request's microsecond latency in one load-test run, by request name. One book per JVM at a time: a run
 * starts a new one with {@link #startNew()}, the NBSS action records into {@link #current()}.
 */
public final class LatencyBook {

    /** The file written next to Gatling's report, with percentiles per request name. */
    public static final String PERCENTILES_FILE = "latency-us.txt";

    private static volatile LatencyBook current = new LatencyBook();

    private final Map<String, RequestStats> byName = new ConcurrentHashMap<>();

    public static LatencyBook current() {
        return current;
    }

    public static LatencyBook startNew() {
        current = new LatencyBook();
        return current;
    }

    public void record(String requestName, long startNanos, long endNanos, boolean success) {
        byName.computeIfAbsent(requestName, name -> new RequestStats()).record(startNanos, endNanos, success);
    }

    /** Figures per request name, sorted by name. */
    public Map<String, RequestStats.Snapshot> snapshot() {
        Map<String, RequestStats.Snapshot> copy = new TreeMap<>();
        byName.forEach((name, stats) -> copy.put(name, stats.snapshot()));
        return copy;
    }

    /** Writes {@value #PERCENTILES_FILE} (a table) and one HdrHistogram percentile distribution ({@code .hgrm}) per request into {@code dir}. */
    public Path writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        StringBuilder table = new StringBuilder();
        table.append(String.format("%-24s %10s %8s %10s %10s %10s %10s %10s %10s%n", "request (microseconds)", "ok", "ko", "ok/s",
                "p50", "p90", "p99", "p99.9", "max"));
        for (Map.Entry<String, RequestStats.Snapshot> entry : snapshot().entrySet()) {
            RequestStats.Snapshot s = entry.getValue();
            table.append(String.format("%-24s %10d %8d %10.1f %10d %10d %10d %10d %10d%n", entry.getKey(), s.ok(), s.ko(), s.okPerSecond(),
                    s.percentileMicros(50), s.percentileMicros(90), s.percentileMicros(99), s.percentileMicros(99.9),
                    s.latencies().getTotalCount() == 0 ? 0 : s.latencies().getMaxValue()));
            ByteArrayOutputStream distribution = new ByteArrayOutputStream();
            try (PrintStream out = new PrintStream(distribution, true, StandardCharsets.UTF_8)) {
                s.latencies().outputPercentileDistribution(out, 1.0);
            }
            Files.write(dir.resolve("latency-us-" + entry.getKey().replaceAll("[^A-Za-z0-9_.-]", "_") + ".hgrm"), distribution.toByteArray());
        }
        Path file = dir.resolve(PERCENTILES_FILE);
        Files.writeString(file, table);
        return file;
    }
}
