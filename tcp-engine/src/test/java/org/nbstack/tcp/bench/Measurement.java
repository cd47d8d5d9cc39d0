package org.nbstack.tcp.bench;

import java.util.Locale;

/** One figure of the benchmark, with the kernel's figure as its baseline. */
record Measurement(String name, double value, String unit, double baseline) {

    double ratio() {
        return baseline == 0 ? 0 : value / baseline;
    }

    String json() {
        return String.format(Locale.ROOT, "{\"name\": \"%s\", \"value\": %.4f, \"unit\": \"%s\", \"baseline\": %.4f,"
                + " \"ratio\": %.4f}", name, value, unit, baseline, ratio());
    }

    String row() {
        return String.format(Locale.ROOT, "| %s | %.3f %s | %.3f %s | %.3f |", name, value, unit, baseline, unit,
                ratio());
    }
}
