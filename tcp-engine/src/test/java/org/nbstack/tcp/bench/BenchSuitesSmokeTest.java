package org.nbstack.tcp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection and memory benchmark suites run end to end with tiny sizes (100 connections, one round, no warm-up) and write
 * figure files that {@code bin/bench report} renders, one row per figure, each with a number in its
 * min, median and max columns. Checks the files' form only, never a figure: timings are not pass/fail.
 */
class BenchSuitesSmokeTest {
    private static final Path REPORT = Path.of("..", "bin", "bench-report.py").toAbsolutePath().normalize();

    @Test
    void theConnectionSuiteWritesARenderableRowPerFigure(@TempDir Path root) throws Exception {
        ConnectionBenchmark.run(root.resolve("tcp-engine/target/bench/connections.json"), 1,
                new ConnectionBenchmark.Sizes(100, 100, 100), false);

        assertRenderedRows(root, List.of("engine mem link connect p50", "engine mem link connect p99",
                "engine mem link connections/s, 64 connects outstanding",
                "engine mem link connect+close churn, one at a time"));
    }

    @Test
    void theMemorySuiteWritesARenderableRowPerFigure(@TempDir Path root) throws Exception {
        MemoryBenchmark.run(root.resolve("tcp-engine/target/bench/memory.json"), 1, List.of(100), false);

        assertRenderedRows(root, List.of("engine mem link heap per idle connection end, 100 connections",
                "epoll heap per idle connection end, 100 connections",
                "engine mem link pool growth, 100 connections each writing 64 B"));
    }

    /** Every row is rendered with a number as its min, median (the value) and max. */
    private static void assertRenderedRows(Path root, List<String> names) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/usr/bin/python3", REPORT.toString(), "--root", root.toString(), "--stdout")
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("bench report finished").isTrue();
        assertThat(p.exitValue()).as("bench report exit status; output:\n" + out).isZero();
        assertThat(out).contains("| figure | min | median | max | unit | baseline | ratio |");
        for (String name : names) {
            assertThat(out).as("the rendered figures").containsPattern(
                    "\\| " + java.util.regex.Pattern.quote(name) + " \\| -?[0-9.]+ \\| -?[0-9.]+ \\| -?[0-9.]+ \\| ");
        }
    }
}
