package org.nbstack.loadtest.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One figure of a comparison as the project's benchmarks write it: {@code {"name","value","unit","baseline","ratio"}},
 * the baseline being the kernel's figure and the ratio value / baseline.
 */
public record BenchFigure(String name, double value, String unit, double baseline) {

    /** value / baseline; 0 when the baseline is 0 (e.g. no errors on either side). */
    public double ratio() {
        return baseline == 0 ? (value == 0 ? 1 : 0) : value / baseline;
    }

    String toJson() {
        return String.format(Locale.ROOT, "{\"name\": \"%s\", \"value\": %s, \"unit\": \"%s\", \"baseline\": %s, \"ratio\": %s}",
                escape(name), number(value), escape(unit), number(baseline), number(ratio()));
    }

    /** Writes {@code figures} as a JSON list, one figure per line. */
    public static void writeAll(Path file, List<BenchFigure> figures) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        StringBuilder json = new StringBuilder("[\n");
        for (int i = 0; i < figures.size(); i++) {
            json.append("  ").append(figures.get(i).toJson()).append(i + 1 < figures.size() ? ",\n" : "\n");
        }
        Files.writeString(file, json.append("]\n"));
    }

    /**
     * Writes the figures of every file in {@code parts} (each written by {@link #writeAll}) into {@code file}, in the
     * order given: the comparisons of several simulations side by side in one benchmark file.
     */
    public static void mergeAll(List<Path> parts, Path file) throws IOException {
        List<String> figures = new ArrayList<>();
        for (Path part : parts) {
            for (String line : Files.readAllLines(part)) {
                String figure = line.strip();
                if (figure.startsWith("{")) {
                    figures.add(figure.endsWith(",") ? figure.substring(0, figure.length() - 1) : figure);
                }
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, figures.isEmpty() ? "[\n]\n" : "[\n  " + String.join(",\n  ", figures) + "\n]\n");
    }

    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : String.format(Locale.ROOT, "%.4f", value);
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
