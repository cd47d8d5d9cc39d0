package org.nbstack.loadtest.report;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * What one run of a simulation on one target measured, the unit of a comparison.
 *
 * @param requestsPerSecond successful main requests per second, over the span in which they were made
 * @param p50Micros         latency percentiles of the simulation's main request, in microseconds
 * @param errors            failed requests of every kind
 * @param serverCpuCores    CPU the server used, in cores (CPU seconds per second of load)
 * @param serverPeakRssBytes the server's highest resident memory
 * @param resourceScope     what the CPU and memory figures cover
 */
public record RunSummary(String simulation, String target, String mainRequest, double requestsPerSecond, long p50Micros,
        long p99Micros, long p999Micros, long errors, double serverCpuCores, long serverPeakRssBytes, String resourceScope) {

    /** The figures of a comparison of {@code candidate} against {@code baseline}. */
    public static List<BenchFigure> compare(RunSummary candidate, RunSummary baseline) {
        String prefix = candidate.simulation + " " + candidate.target + " vs " + baseline.target + ": ";
        String request = candidate.mainRequest;
        return List.of(
                new BenchFigure(prefix + request + " requests/s", candidate.requestsPerSecond, "1/s", baseline.requestsPerSecond),
                new BenchFigure(prefix + request + " p50", candidate.p50Micros, "us", baseline.p50Micros),
                new BenchFigure(prefix + request + " p99", candidate.p99Micros, "us", baseline.p99Micros),
                new BenchFigure(prefix + request + " p99.9", candidate.p999Micros, "us", baseline.p999Micros),
                new BenchFigure(prefix + "errors", candidate.errors, "requests", baseline.errors),
                new BenchFigure(prefix + "server CPU", candidate.serverCpuCores, "cores", baseline.serverCpuCores),
                new BenchFigure(prefix + "server RSS (peak)", candidate.serverPeakRssBytes / (1024.0 * 1024.0), "MiB",
                        baseline.serverPeakRssBytes / (1024.0 * 1024.0)));
    }

    public void write(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("simulation", simulation);
        p.setProperty("target", target);
        p.setProperty("mainRequest", mainRequest);
        p.setProperty("requestsPerSecond", Double.toString(requestsPerSecond));
        p.setProperty("p50Micros", Long.toString(p50Micros));
        p.setProperty("p99Micros", Long.toString(p99Micros));
        p.setProperty("p999Micros", Long.toString(p999Micros));
        p.setProperty("errors", Long.toString(errors));
        p.setProperty("serverCpuCores", Double.toString(serverCpuCores));
        p.setProperty("serverPeakRssBytes", Long.toString(serverPeakRssBytes));
        p.setProperty("resourceScope", resourceScope);
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (Writer out = Files.newBufferedWriter(file)) {
            p.store(out, "one load-test run");
        }
    }

    public static RunSummary read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        return new RunSummary(p.getProperty("simulation"), p.getProperty("target"), p.getProperty("mainRequest"),
                Double.parseDouble(p.getProperty("requestsPerSecond")), Long.parseLong(p.getProperty("p50Micros")),
                Long.parseLong(p.getProperty("p99Micros")), Long.parseLong(p.getProperty("p999Micros")),
                Long.parseLong(p.getProperty("errors")), Double.parseDouble(p.getProperty("serverCpuCores")),
                Long.parseLong(p.getProperty("serverPeakRssBytes")), p.getProperty("resourceScope"));
    }
}
