package org.nbstack.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nbstack.loadtest.gatling.Knobs;
import org.nbstack.loadtest.gatling.ProvidedServer;
import org.nbstack.loadtest.report.LatencyBook;
import org.nbstack.loadtest.runner.GatlingLauncher;
import org.nbstack.loadtest.runner.SimulationCatalog;
import org.nbstack.loadtest.targets.LoadTargets;

/**
 * Every simulation in its short form (a few seconds of load), through Gatling itself, in {@code bin/test}: the run
 * must complete with every Gatling assertion met, and leave its HTML report and microsecond percentiles.
 *
 * <p>Gatling, the clients and the server share this JVM, which runs Netty's leak detector PARANOID with the
 * reactor's failing detector, so a ByteBuf this module or the server leaks fails the test. Gatling's own code
 * allocates no ByteBufs here (no HTTP protocol is configured; a probe detector recording every tracked allocation's
 * call site found only nbstack's codec, payloads and channel reads), so the detector has nothing of Gatling's to blame.
 * The target is {@code nbstack.loadtest.transport} (default nio); an unavailable one (the engine before it lands)
 * is skipped with the reason.
 */
class SimulationShortFormTest {

    private static final Path RESULTS = Path.of("target", "gatling");

    static Stream<SimulationCatalog.Entry> simulations() {
        return SimulationCatalog.ALL.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("simulations")
    void completesWithEveryAssertionMet(SimulationCatalog.Entry simulation) throws Exception {
        Optional<String> unavailable = LoadTargets.fromSystemProperties().unavailableReason();
        assumeTrue(unavailable.isEmpty(), () -> unavailable.orElse(""));
        System.setProperty(Knobs.SHORT, "true");
        ProvidedServer.clear(); // the simulation starts and stops its own in-JVM server

        GatlingLauncher.Outcome outcome = GatlingLauncher.run(simulation, RESULTS, "short form in bin/test");

        assertThat(outcome.status()).as("Gatling's exit status for %s (%d = an assertion failed; see the report and the log)",
                simulation, GatlingLauncher.ASSERTIONS_FAILED).isZero();
        assertThat(outcome.reportDir()).as("report folder").isPresent();
        Path report = outcome.reportDir().orElseThrow();
        assertThat(report.resolve("index.html")).exists();
        assertThat(report.resolve(LatencyBook.PERCENTILES_FILE)).exists();
        assertThat(Files.readString(report.resolve(LatencyBook.PERCENTILES_FILE))).contains(simulation.mainRequest());
    }

    @AfterEach
    void clearShortForm() {
        System.clearProperty(Knobs.SHORT);
    }
}
