package org.nbstack.tcp.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A figure file of rows measured over several rounds (docs/benchmarks.md): each row is
 * {@code {"name", "value", "unit", "baseline", "ratio", "min", "median", "max", "rounds", ...}} where value is the
 * median over the rounds, baseline the kernel transport's median in the same run (null when the row has none),
 * ratio value / baseline, {@code baseline_min} and {@code baseline_max} the kernel's spread, and any further
 * fields details of the row (counts, settings, what was left out and why).
 */
final class FigureFile {
    private final List<String> rows = new ArrayList<>();
    private final List<String> table = new ArrayList<>();

    /** A row with a baseline (null for none) and details in the order given. */
    FigureFile add(String name, Spread value, String unit, Spread baseline, Map<String, ?> details) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name", name);
        fields.put("value", value.median());
        fields.put("unit", unit);
        fields.put("baseline", baseline == null ? null : baseline.median());
        fields.put("ratio", baseline == null || baseline.median() == 0 ? null : value.median() / baseline.median());
        fields.put("min", value.min());
        fields.put("median", value.median());
        fields.put("max", value.max());
        fields.put("rounds", value.rounds());
        if (baseline != null) {
            fields.put("baseline_min", baseline.min());
            fields.put("baseline_max", baseline.max());
        }
        fields.putAll(details);
        StringBuilder json = new StringBuilder("{");
        fields.forEach((k, v) -> json.append(json.length() > 1 ? ", " : "").append('"').append(k).append("\": ")
                .append(json(v)));
        rows.add(json.append('}').toString());
        table.add(String.format(Locale.ROOT, "%-60s %12.3f %-8s (min %.3f, max %.3f)%s", name, value.median(), unit,
                value.min(), value.max(), baseline == null || baseline.median() == 0 ? "" : String.format(Locale.ROOT,
                        "  kernel %.3f, ratio %.3f", baseline.median(), value.median() / baseline.median())));
        return this;
    }

    FigureFile add(String name, Spread value, String unit, Spread baseline) {
        return add(name, value, unit, baseline, Map.of());
    }

    private static String json(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Double d) {
            // NaN and infinities are not JSON: a figure that could not be measured is null
            return d.isNaN() || d.isInfinite() ? "null" : String.format(Locale.ROOT, "%.4f", d);
        }
        if (v instanceof Number n) {
            return n.toString();
        }
        StringBuilder s = new StringBuilder("\"");
        for (char c : v.toString().toCharArray()) {
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                default -> s.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return s.append('"').toString();
    }

    /** Writes the rows to {@code out} and prints them as a table; returns {@code out}. */
    Path write(Path out) throws IOException {
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, "[\n  " + String.join(",\n  ", rows) + "\n]\n");
        // CLI output of a benchmark main, not engine code.
        table.forEach(System.out::println);
        System.out.println("written to " + out.toAbsolutePath());
        return out;
    }
}
