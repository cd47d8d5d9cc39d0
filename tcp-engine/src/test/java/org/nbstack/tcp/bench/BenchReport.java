package org.nbstack.tcp.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark figures in the format DESIGN.md sets: a JSON list of
 * {@code {"name", "value", "unit", "baseline", "ratio"}}, where baseline is the kernel's figure measured in
 * the same run (null when there is none) and ratio is value / baseline.
 */
public final class BenchReport {
    private final List<String> entries = new ArrayList<>();

    public void add(String name, double value, String unit, Double baseline) {
        String ratio = baseline == null || baseline == 0 ? "null" : format(value / baseline);
        entries.add(String.format(Locale.ROOT, "  {\"name\": \"%s\", \"value\": %s, \"unit\": \"%s\", \"baseline\": %s, \"ratio\": %s}",
                name, format(value), unit, baseline == null ? "null" : format(baseline), ratio));
    }

    private static String format(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    /** Writes the report to {@code target/bench/<file>} and returns its path. */
    public Path write(String file) throws IOException {
        Path dir = Path.of("target", "bench");
        Files.createDirectories(dir);
        Path path = dir.resolve(file);
        Files.writeString(path, "[\n" + String.join(",\n", entries) + "\n]\n");
        return path;
    }

    @Override
    public String toString() {
        return String.join("\n", entries);
    }
}
