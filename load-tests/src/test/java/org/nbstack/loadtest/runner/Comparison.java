package org.nbstack.loadtest.runner;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.nbstack.loadtest.report.BenchFigure;
import org.nbstack.loadtest.report.RunSummary;
import org.nbstack.loadtest.targets.LoadTarget;
import org.nbstack.loadtest.targets.LoadTargets;

/**
 * {@code bin/loadtest compare <simulation>}: the same simulation on the candidate (the engine) and on the baseline
 * (the kernel), each in a JVM of its own so neither inherits the other's memory or JIT state, then the figures side
 * by side in {@code target/bench/loadtest-<simulation>-<candidate>-vs-<baseline>.json}; {@code target/bench/loadtest.json}
 * holds the figures of every comparison made so far.
 */
final class Comparison {

    static final Path OUTPUT = Path.of("target", "bench", "loadtest.json");

    private final RunOptions options;
    private final PrintStream out;

    Comparison(RunOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    int run() throws IOException, InterruptedException {
        SimulationCatalog.Entry simulation = SimulationCatalog.named(options.simulation());
        for (String name : List.of(options.candidate(), options.baseline())) {
            LoadTarget target = LoadTargets.named(name);
            Optional<String> unavailable = target.unavailableReason();
            if (unavailable.isPresent()) {
                out.println("compare skipped: " + unavailable.get());
                out.println("(until the engine transport is here, compare two kernel transports: --candidate epoll --baseline nio)");
                return SingleRun.SKIPPED;
            }
        }
        RunSummary baseline = runInOwnJvm(simulation, options.baseline());
        RunSummary candidate = runInOwnJvm(simulation, options.candidate());
        List<BenchFigure> figures = RunSummary.compare(candidate, baseline);
        // One file per comparison, and OUTPUT holding all of them: compare the four simulations one after the other.
        BenchFigure.writeAll(OUTPUT.resolveSibling("loadtest-" + simulation.name() + "-" + options.candidate() + "-vs-"
                + options.baseline() + ".json"), figures);
        BenchFigure.mergeAll(comparisonFiles(), OUTPUT);
        out.printf("%n%-58s %14s %14s %8s%n", "figure", options.candidate(), options.baseline(), "ratio");
        for (BenchFigure figure : figures) {
            out.printf("%-58s %14.2f %14.2f %8.2f  %s%n", figure.name(), figure.value(), figure.baseline(), figure.ratio(), figure.unit());
        }
        out.println("written: " + OUTPUT.toAbsolutePath());
        return 0;
    }

    /** Every comparison's file, by simulation in catalog order, then by name. */
    private static List<Path> comparisonFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        for (SimulationCatalog.Entry entry : SimulationCatalog.ALL) {
            try (Stream<Path> list = Files.list(OUTPUT.getParent())) {
                list.filter(p -> p.getFileName().toString().startsWith("loadtest-" + entry.name() + "-"))
                        .filter(p -> p.getFileName().toString().endsWith(".json")).sorted().forEach(files::add);
            }
        }
        return files;
    }

    private RunSummary runInOwnJvm(SimulationCatalog.Entry simulation, String transport) throws IOException, InterruptedException {
        Path summary = Path.of("target", "bench", "loadtest-" + simulation.name() + "-" + transport + ".properties");
        Files.deleteIfExists(summary);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), LoadTestMain.class.getName(), "run", simulation.name(),
                "--transport", transport, "--server", options.server(), "--summary", summary.toString()));
        options.duration().ifPresent(d -> command.addAll(List.of("--duration", d)));
        out.println("== " + simulation + " on " + transport);
        int status = new ProcessBuilder(command).inheritIO().start().waitFor();
        if (!Files.exists(summary)) {
            throw new IOException(simulation + " on " + transport + " ended with status " + status + " and no summary");
        }
        if (status != 0) {
            out.println("note: " + simulation + " on " + transport + " did not meet its assertions (status " + status + "); its figures are kept");
        }
        return RunSummary.read(summary);
    }
}
