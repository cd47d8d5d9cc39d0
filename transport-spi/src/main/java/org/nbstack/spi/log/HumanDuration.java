package org.nbstack.spi.log;

import java.time.Duration;
import java.util.Locale;

/** Durations as the CLI, the admin tables and the log lines print them: {@code 250ms}, {@code 5s}, {@code 1.5s}, {@code 1m30s}, {@code 2h5m}. */
public final class HumanDuration {

    private HumanDuration() {
    }

    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return ms % 1000 == 0 ? ms / 1000 + "s" : String.format(Locale.ROOT, "%.1fs", Math.floor(ms / 100.0) / 10);
        }
        if (ms < 3_600_000) {
            long seconds = (ms / 1000) % 60;
            return ms / 60_000 + "m" + (seconds == 0 ? "" : seconds + "s");
        }
        long minutes = (ms / 60_000) % 60;
        return ms / 3_600_000 + "h" + (minutes == 0 ? "" : minutes + "m");
    }
}
