package org.nbstack.loadtest.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/bench report}: the figures section of docs/benchmarks.md is rendered from the figure files, with each
 * run's date, commit and load, and the hand-written prose around the markers stays as written; a malformed file
 * stops it with one line naming the file and the fault, leaving the document untouched.
 */
class BenchReportScriptTest {

    private static final Path SCRIPT = Path.of("..", "bin", "bench-report.py").toAbsolutePath().normalize();

    private static final String DOC = """
            # Benchmarks

            Prose written by hand.

            <!-- bench-figures:begin -->
            stale figures
            <!-- bench-figures:end -->

            More prose.
            """;

    private record Result(int exit, String out, String err) {
    }

    private static Result run(Path root) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/usr/bin/python3", SCRIPT.toString(), "--root", root.toString()).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("bench report finished").isTrue();
        return new Result(p.exitValue(), out, err);
    }

    private static Path figures(Path root, String module, String file, String json) throws IOException {
        Path dir = Files.createDirectories(root.resolve(module).resolve("target").resolve("bench"));
        return Files.writeString(dir.resolve(file), json);
    }

    private static Path doc(Path root) throws IOException {
        return Files.writeString(Files.createDirectories(root.resolve("docs")).resolve("benchmarks.md"), DOC);
    }

    @Test
    void rendersEveryFigureFileBetweenTheMarkersWithItsRunAndKeepsTheProse(@TempDir Path root) throws Exception {
        Path doc = doc(root);
        figures(root, "tcp-engine", "engine.json", """
                [
                  {"name": "bulk engine-engine", "value": 7.7, "unit": "Gbit/s", "baseline": 27.7, "ratio": 0.278},
                  {"name": "receive path per segment", "value": 36, "unit": "ns", "baseline": null, "ratio": null, "samples": 5}
                ]
                """);
        figures(root, "tcp-engine", "engine.run.json",
                "{\"date\": \"2026-12-03T14:00:00Z\", \"commit\": \"abc1234\", \"load_average\": \"3.10 2.00 1.50\"}");
        figures(root, "smb-service", "smb.json", """
                [{"name": "smb.get", "value": 0.489, "unit": "s", "baseline": null, "ratio": null, "mb_per_s": 214.5,
                  "date": "2026-12-03T13:44:06Z", "commit": "4f4f2e9", "load_average": "12.34 10.70 6.62"}]
                """);

        Result result = run(root);

        assertThat(result.err()).isEmpty();
        assertThat(result.exit()).isZero();
        assertThat(Files.readString(doc)).isEqualTo("""
                # Benchmarks

                Prose written by hand.

                <!-- bench-figures:begin -->
                ### `smb-service/target/bench/smb.json`

                Run 2026-12-03T13:44:06Z, commit 4f4f2e9, load average 12.34 10.70 6.62.

                | figure | value | unit | baseline | ratio | details |
                |---|---|---|---|---|---|
                | smb.get | 0.489 | s |  |  | mb_per_s=214.5 |

                ### `tcp-engine/target/bench/engine.json`

                Run 2026-12-03T14:00:00Z, commit abc1234, load average 3.10 2.00 1.50.

                | figure | value | unit | baseline | ratio | details |
                |---|---|---|---|---|---|
                | bulk engine-engine | 7.7 | Gbit/s | 27.7 | 0.278 |  |
                | receive path per segment | 36 | ns |  |  | samples=5 |
                <!-- bench-figures:end -->

                More prose.
                """);
    }

    @Test
    void aFileWithoutRunRecordShowsItsFileTimeAndSaysWhatWasNotRecorded(@TempDir Path root) throws Exception {
        Path doc = doc(root);
        Path file = figures(root, "tcp-engine", "sim-throughput.json",
                "{\"name\": \"sim.echo.deliveries_per_second\", \"value\": 8317659, \"unit\": \"deliveries/s\", \"baseline\": null, \"ratio\": null}");
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(1_700_000_000_000L));

        assertThat(run(root).exit()).isZero();

        assertThat(Files.readString(doc)).contains("""
                Run 2023-11-14T22:13:20Z (file time), commit not recorded, load average not recorded.

                | figure | value | unit | baseline | ratio |
                |---|---|---|---|---|
                | sim.echo.deliveries_per_second | 8317659 | deliveries/s |  |  |
                """);
    }

    @Test
    void figuresMeasuredOverRoundsShowTheirMinMedianAndMaxAsColumns(@TempDir Path root) throws Exception {
        Path doc = doc(root);
        figures(root, "tcp-engine", "connections.json", """
                [
                  {"name": "connect p50", "value": 63.5, "unit": "us", "baseline": 131.2, "ratio": 0.484, "min": 42.8,
                   "median": 63.5, "max": 84.2, "rounds": 5, "baseline_min": 95.7, "baseline_max": 166.7},
                  {"name": "churn", "value": 909.9, "unit": "conn/s", "baseline": null, "ratio": null, "min": 507.7,
                   "max": 1312.1}
                ]
                """);

        assertThat(run(root).exit()).isZero();

        assertThat(Files.readString(doc)).contains("""
                | figure | min | median | max | unit | baseline | ratio | details |
                |---|---|---|---|---|---|---|---|
                | connect p50 | 42.8 | 63.5 | 84.2 | us | 131.2 | 0.484 | rounds=5, baseline_min=95.7, baseline_max=166.7 |
                | churn | 507.7 | 909.9 | 1312.1 | conn/s |  |  |  |
                """);
    }

    @Test
    void aMalformedFileStopsTheReportWithOneLineNamingItAndLeavesTheDocumentAlone(@TempDir Path root) throws Exception {
        Path doc = doc(root);
        figures(root, "tcp-engine", "engine.json", "[{\"name\": \"ok\", \"value\": 1, \"unit\": \"s\"}]");
        figures(root, "netbios-session", "isolation.json", "[{\"name\": \"isolation.p50\", \"value\": }]");

        Result broken = run(root);

        assertThat(broken.exit()).isEqualTo(2);
        assertThat(broken.err()).isEqualTo(
                "bench report: netbios-session/target/bench/isolation.json: not valid JSON: Expecting value at line 1 column 37\n");
        assertThat(Files.readString(doc)).isEqualTo(DOC);

        figures(root, "netbios-session", "isolation.json", "[{\"name\": \"isolation.p50\", \"unit\": \"us\"}]");
        assertThat(run(root).err()).isEqualTo(
                "bench report: netbios-session/target/bench/isolation.json: figure 1 has no \"value\" (fields: name, unit)\n");

        figures(root, "netbios-session", "isolation.json", "[{\"name\": \"isolation.p50\", \"value\": \"fast\"}]");
        assertThat(run(root).err()).isEqualTo(
                "bench report: netbios-session/target/bench/isolation.json: figure 1 (isolation.p50) has a non-numeric \"value\": 'fast'\n");
        assertThat(Files.readString(doc)).isEqualTo(DOC);
    }

    @Test
    void aDocumentWithoutTheMarkersIsNotRewritten(@TempDir Path root) throws Exception {
        Path doc = Files.writeString(Files.createDirectories(root.resolve("docs")).resolve("benchmarks.md"), "# Benchmarks\n");
        figures(root, "tcp-engine", "engine.json", "[{\"name\": \"ok\", \"value\": 1, \"unit\": \"s\"}]");

        Result result = run(root);

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("the markers <!-- bench-figures:begin --> and <!-- bench-figures:end -->");
        assertThat(Files.readAllLines(doc)).isEqualTo(List.of("# Benchmarks"));
    }
}
