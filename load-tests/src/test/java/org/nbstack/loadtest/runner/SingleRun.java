package org.nbstack.loadtest.runner;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import org.nbstack.loadtest.gatling.Knobs;
import org.nbstack.loadtest.gatling.ProvidedServer;
import org.nbstack.loadtest.report.LatencyBook;
import org.nbstack.loadtest.report.RequestStats;
import org.nbstack.loadtest.report.RunSummary;
import org.nbstack.loadtest.server.InJvmServer;
import org.nbstack.loadtest.server.NbstackServeProcess;
import org.nbstack.loadtest.server.ResourceUsage;
import org.nbstack.loadtest.server.ServerUnderTest;
import org.nbstack.loadtest.targets.LoadTarget;
import org.nbstack.loadtest.targets.LoadTargets;

/** {@code bin/loadtest <simulation>}: starts the server, runs the simulation, says where the report is, stops the server. */
final class SingleRun {

    /** Exit status when the target cannot run here (e.g. the engine before it lands). */
    static final int SKIPPED = 3;

    private final RunOptions options;
    private final Path repository;
    private final PrintStream out;

    SingleRun(RunOptions options, Path repository, PrintStream out) {
        this.options = options;
        this.repository = repository;
        this.out = out;
    }

    int run() throws IOException, InterruptedException {
        SimulationCatalog.Entry simulation = SimulationCatalog.named(options.simulation());
        System.setProperty(LoadTargets.PROPERTY, options.transport());
        options.duration().ifPresent(d -> System.setProperty(Knobs.PREFIX + "duration", d));
        LoadTarget target = LoadTargets.fromSystemProperties();
        var unavailable = target.unavailableReason();
        if (unavailable.isPresent()) {
            out.println("skipped " + simulation + " on " + target.name() + ": " + unavailable.get());
            return SKIPPED;
        }
        try (ServerUnderTest server = startServer(simulation, target)) {
            out.println("server: " + server.describe());
            ProvidedServer.use(server);
            ResourceUsage before = server.usage();
            long start = System.nanoTime();
            GatlingLauncher.Outcome outcome = GatlingLauncher.run(simulation, Path.of("target", "gatling"),
                    simulation.name() + " on " + target.name());
            long wallNanos = System.nanoTime() - start;
            ResourceUsage after = server.usage();
            RunSummary summary = summarise(simulation, target, after.coresSince(before, wallNanos), after);
            report(outcome, summary);
            if (options.summary().isPresent()) {
                summary.write(options.summary().get());
            }
            return outcome.status();
        } finally {
            ProvidedServer.clear();
        }
    }

    private ServerUnderTest startServer(SimulationCatalog.Entry simulation, LoadTarget target) throws IOException, InterruptedException {
        int threads = Knobs.integer("serverThreads", 1, 1);
        boolean servePresent = NbstackServeProcess.availableIn(repository);
        boolean serve = switch (options.server()) {
            case "serve" -> true;
            case "in-jvm" -> false;
            default -> servePresent && !simulation.needsInJvmServer();
        };
        if (serve && !servePresent) {
            throw new IllegalArgumentException("--server serve: " + repository.resolve("bin/nbstack") + " with server-app is not here");
        }
        if (serve && simulation.needsInJvmServer()) {
            throw new IllegalArgumentException(simulation + " calls ONESHOT (echo once, then close), which bin/nbstack serve does not serve; use --server in-jvm");
        }
        if (!serve && options.server().equals("auto") && servePresent) {
            out.println(simulation + " runs its server in this JVM: it calls ONESHOT, which bin/nbstack serve does not serve");
        }
        return serve
                ? NbstackServeProcess.start(repository, target, simulation.tuning(), threads, Path.of("target", "loadtest-server"))
                : InJvmServer.start(target, simulation.tuning(), threads);
    }

    private static RunSummary summarise(SimulationCatalog.Entry simulation, LoadTarget target, double cores, ResourceUsage usage) {
        Map<String, RequestStats.Snapshot> requests = LatencyBook.current().snapshot();
        long errors = requests.values().stream().mapToLong(RequestStats.Snapshot::ko).sum();
        // The rate of the main request over its own span: a ramp of connects does not dilute the echo rate.
        RequestStats.Snapshot main = requests.get(simulation.mainRequest());
        double perSecond = main == null ? 0 : main.okPerSecond();
        return new RunSummary(simulation.name(), target.name(), simulation.mainRequest(), perSecond,
                main == null ? 0 : main.percentileMicros(50), main == null ? 0 : main.percentileMicros(99),
                main == null ? 0 : main.percentileMicros(99.9), errors, cores, usage.peakRssBytes(), usage.scope());
    }

    private void report(GatlingLauncher.Outcome outcome, RunSummary summary) {
        out.printf("%s on %s: %.0f %s/s, p50 %d us, p99 %d us, p99.9 %d us, %d errors; server CPU %.2f cores, peak RSS %d MiB (%s)%n",
                summary.simulation(), summary.target(), summary.requestsPerSecond(), summary.mainRequest(), summary.p50Micros(),
                summary.p99Micros(), summary.p999Micros(), summary.errors(), summary.serverCpuCores(),
                summary.serverPeakRssBytes() / (1024 * 1024), summary.resourceScope());
        outcome.reportDir().ifPresentOrElse(dir -> {
            out.println("Gatling report: " + dir.resolve("index.html").toAbsolutePath());
            out.println("microsecond percentiles: " + dir.resolve(LatencyBook.PERCENTILES_FILE).toAbsolutePath());
        }, () -> out.println("Gatling wrote no report (see the log above)"));
        out.println(outcome.status() == 0 ? "every assertion held"
                : "FAILED: Gatling exit status " + outcome.status() + (outcome.status() == GatlingLauncher.ASSERTIONS_FAILED
                        ? " (an assertion failed; the console summary above names it)" : ""));
    }
}
