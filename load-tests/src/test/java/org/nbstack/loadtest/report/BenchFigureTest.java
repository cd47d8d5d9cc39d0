package org.nbstack.loadtest.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchFigureTest {

    @Test
    void comparisonWritesEveryFigureWithItsKernelBaselineAndRatio(@TempDir Path dir) throws Exception {
        RunSummary engine = new RunSummary("steady-echo", "engine-udp", "echo", 1800, 120, 900, 4000, 0, 0.5, 300L << 20, "x");
        RunSummary kernel = new RunSummary("steady-echo", "nio", "echo", 2000, 100, 600, 2000, 0, 0.25, 200L << 20, "x");
        Path file = dir.resolve("loadtest.json");

        BenchFigure.writeAll(file, RunSummary.compare(engine, kernel));

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).first().isEqualTo("[");
        assertThat(lines).last().isEqualTo("]");
        assertThat(String.join("\n", lines)).contains(
                "{\"name\": \"steady-echo engine-udp vs nio: echo requests/s\", \"value\": 1800, \"unit\": \"1/s\", \"baseline\": 2000, \"ratio\": 0.9000}",
                "{\"name\": \"steady-echo engine-udp vs nio: echo p99\", \"value\": 900, \"unit\": \"us\", \"baseline\": 600, \"ratio\": 1.5000}",
                "\"name\": \"steady-echo engine-udp vs nio: echo p99.9\"",
                "{\"name\": \"steady-echo engine-udp vs nio: errors\", \"value\": 0, \"unit\": \"requests\", \"baseline\": 0, \"ratio\": 1}",
                "{\"name\": \"steady-echo engine-udp vs nio: server CPU\", \"value\": 0.5000, \"unit\": \"cores\", \"baseline\": 0.2500, \"ratio\": 2}",
                "{\"name\": \"steady-echo engine-udp vs nio: server RSS (peak)\", \"value\": 300, \"unit\": \"MiB\", \"baseline\": 200, \"ratio\": 1.5000}");
    }

    @Test
    void comparisonsOfSeveralSimulationsMergeIntoOneFile(@TempDir Path dir) throws Exception {
        RunSummary echoEngine = new RunSummary("steady-echo", "engine-udp", "echo", 1800, 120, 900, 4000, 0, 0.5, 300L << 20, "x");
        RunSummary echoKernel = new RunSummary("steady-echo", "nio", "echo", 2000, 100, 600, 2000, 0, 0.25, 200L << 20, "x");
        RunSummary churnEngine = new RunSummary("connection-churn", "engine-udp", "connect", 100, 700, 4000, 7000, 1, 0.1, 160L << 20, "x");
        RunSummary churnKernel = new RunSummary("connection-churn", "nio", "connect", 100, 900, 9000, 20000, 0, 0.1, 170L << 20, "x");
        Path echo = dir.resolve("echo.json");
        Path churn = dir.resolve("churn.json");
        BenchFigure.writeAll(echo, RunSummary.compare(echoEngine, echoKernel));
        BenchFigure.writeAll(churn, RunSummary.compare(churnEngine, churnKernel));
        Path merged = dir.resolve("loadtest.json");

        BenchFigure.mergeAll(List.of(echo, churn), merged);

        List<String> lines = Files.readAllLines(merged);
        assertThat(lines).hasSize(2 + 2 * RunSummary.compare(echoEngine, echoKernel).size());
        assertThat(lines.get(1)).startsWith("  {\"name\": \"steady-echo engine-udp vs nio: echo requests/s\"").endsWith(",");
        assertThat(lines.get(lines.size() - 2)).startsWith("  {\"name\": \"connection-churn engine-udp vs nio: server RSS (peak)\"")
                .endsWith("}");
        assertThat(String.join("\n", lines)).contains(
                "{\"name\": \"connection-churn engine-udp vs nio: errors\", \"value\": 1, \"unit\": \"requests\", \"baseline\": 0, \"ratio\": 0}");
    }

    @Test
    void summaryRoundTripsThroughItsFile(@TempDir Path dir) throws Exception {
        RunSummary summary = new RunSummary("reconnect-storm", "epoll", "reconnect", 123.5, 1, 2, 3, 4, 0.125, 5, "the server");
        summary.write(dir.resolve("s.properties"));
        assertThat(RunSummary.read(dir.resolve("s.properties"))).isEqualTo(summary);
    }

    @Test
    void latencyBookKeepsMicrosecondsAndCountsFailuresApart(@TempDir Path dir) throws Exception {
        LatencyBook book = new LatencyBook();
        book.record("echo", 0, 250_000, true);     // 250 us
        book.record("echo", 0, 1_500_000, true);   // 1.5 ms
        book.record("echo", 0, 9_000_000_000L, false);
        RequestStats.Snapshot echo = book.snapshot().get("echo");
        assertThat(echo.ok()).isEqualTo(2);
        assertThat(echo.ko()).isEqualTo(1);
        assertThat(echo.percentileMicros(50)).isBetween(249L, 251L);
        assertThat(echo.latencies().getMaxValue()).isBetween(1499L, 1501L);
        assertThat(Files.readString(book.writeTo(dir))).contains("echo");
        assertThat(dir.resolve("latency-us-echo.hgrm")).exists();
    }
}
