package org.nbstack.loadtest.runner;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import org.nbstack.loadtest.gatling.Knobs;
import org.nbstack.loadtest.gatling.ProvidedServer;
import org.nbstack.loadtest.targets.LoadTargets;

/**
 * {@code bin/loadtest short-forms [--transport T]}: every simulation's short form on one target, one after the other
 * in this JVM, each against an in-JVM server of its own, as {@code bin/test} runs them. The engine-over-TUN short
 * forms of {@code bin/test} run this way in a child process inside a network namespace.
 */
public final class ShortForms {

    /** Printed once per simulation whose assertions all held; the child's parent looks for it. */
    public static final String PASSED = "short form passed: ";

    private final String transport;
    private final PrintStream out;

    ShortForms(String transport, PrintStream out) {
        this.transport = transport;
        this.out = out;
    }

    int run() throws IOException {
        System.setProperty(LoadTargets.PROPERTY, transport);
        System.setProperty(Knobs.SHORT, "true");
        Optional<String> unavailable = LoadTargets.fromSystemProperties().unavailableReason();
        if (unavailable.isPresent()) {
            out.println("skipped the short forms on " + transport + ": " + unavailable.get());
            return SingleRun.SKIPPED;
        }
        int worst = 0;
        for (SimulationCatalog.Entry simulation : SimulationCatalog.ALL) {
            ProvidedServer.clear(); // each simulation starts and stops its own in-JVM server
            GatlingLauncher.Outcome outcome = GatlingLauncher.run(simulation, Path.of("target", "gatling"), "short form on " + transport);
            boolean reported = outcome.reportDir().isPresent();
            if (outcome.status() == 0 && reported) {
                out.println(PASSED + simulation + " on " + transport + ", report " + outcome.reportDir().get().resolve("index.html").toAbsolutePath());
            } else {
                out.println("short form FAILED: " + simulation + " on " + transport + ": Gatling exit status " + outcome.status()
                        + (reported ? "" : ", no report"));
                worst = Math.max(worst, outcome.status() == 0 ? 1 : outcome.status());
            }
        }
        return worst;
    }
}
