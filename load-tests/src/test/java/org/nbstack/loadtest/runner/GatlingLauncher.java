package org.nbstack.loadtest.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.nbstack.loadtest.gatling.LoadRun;

/** Runs one simulation through Gatling's own entry point in this JVM, as its command line would. */
public final class GatlingLauncher {

    /** Gatling's exit status when the run completed but an assertion failed. */
    public static final int ASSERTIONS_FAILED = 2;

    /**
     * @param status   Gatling's exit status: 0 when the run completed and every assertion held
     * @param reportDir the run's report folder (with {@code index.html}), if Gatling made one
     */
    public record Outcome(int status, Optional<Path> reportDir) {
    }

    private GatlingLauncher() {
    }

    public static Outcome run(SimulationCatalog.Entry simulation, Path resultsDir, String description) throws IOException {
        Files.createDirectories(resultsDir);
        System.setProperty(LoadRun.RESULTS_PROPERTY, resultsDir.toString());
        int status = io.gatling.app.Gatling$.MODULE$.fromArgs(new String[] {
            "--simulation", simulation.simulationClass().getName(),
            "--results-folder", resultsDir.toAbsolutePath().toString(),
            "--run-description", description,
            "--launcher", "nbstack"});
        return new Outcome(status, newestReport(resultsDir, simulation.simulationId()));
    }

    private static Optional<Path> newestReport(Path resultsDir, String simulationId) throws IOException {
        try (Stream<Path> folders = Files.list(resultsDir)) {
            return folders.filter(p -> p.getFileName().toString().startsWith(simulationId + "-"))
                    .filter(p -> Files.exists(p.resolve("index.html")))
                    .max(Comparator.comparing(p -> p.toFile().lastModified()));
        }
    }
}
