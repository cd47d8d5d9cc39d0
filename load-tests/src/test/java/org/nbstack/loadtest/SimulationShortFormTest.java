package org.nbstack.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nbstack.loadtest.gatling.Knobs;
import org.nbstack.loadtest.gatling.ProvidedServer;
import org.nbstack.loadtest.report.LatencyBook;
import org.nbstack.loadtest.report.OfflineReport;
import org.nbstack.loadtest.runner.GatlingLauncher;
import org.nbstack.loadtest.runner.SimulationCatalog;
import org.nbstack.loadtest.targets.LoadTargets;

/**
 * Every simulation in its short form (a few seconds of load), through Gatling itself, in {@code bin/test}, on the
 * kernel's TCP ({@code nio}) and on the engine over the udp link ({@code engine-udp}, no privileges needed): the run
 * must complete with every Gatling assertion met, and leave its HTML report (loading nothing from elsewhere, so it
 * opens offline) and microsecond percentiles. On the engine that includes the reconnect storm's check that the
 * server's engine retransmitted no SYN.
 *
 * <p>Gatling, the clients and the server share this JVM, which runs Netty's leak detector PARANOID with the
 * reactor's failing detector, so a ByteBuf this module, the server or the engine leaks fails the test. Gatling's own
 * code allocates no ByteBufs here (no HTTP protocol is configured; a probe detector recording every tracked
 * allocation's call site found only nbstack's codec, payloads and channel reads), so the detector has nothing of
 * Gatling's to blame. The engine over TUN needs a network namespace, which a test JVM cannot make for itself:
 * {@link EngineTunShortFormTest} runs those short forms in a child process.
 */
class SimulationShortFormTest {

    private static final Path RESULTS = Path.of("target", "gatling");
    /** The targets whose short forms run in this JVM. */
    private static final List<String> TARGETS = List.of("nio", "engine-udp");

    static Stream<Arguments> shortForms() {
        return TARGETS.stream().flatMap(target -> SimulationCatalog.ALL.stream().map(simulation -> Arguments.of(simulation, target)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("shortForms")
    void completesWithEveryAssertionMet(SimulationCatalog.Entry simulation, String target) throws Exception {
        System.setProperty(LoadTargets.PROPERTY, target);
        Optional<String> unavailable = LoadTargets.fromSystemProperties().unavailableReason();
        assumeTrue(unavailable.isEmpty(), () -> unavailable.orElse(""));
        System.setProperty(Knobs.SHORT, "true");
        ProvidedServer.clear(); // the simulation starts and stops its own in-JVM server

        GatlingLauncher.Outcome outcome = GatlingLauncher.run(simulation, RESULTS, "short form in bin/test on " + target);

        assertThat(outcome.status()).as("Gatling's exit status for %s on %s (%d = an assertion failed; see the report and the log)",
                simulation, target, GatlingLauncher.ASSERTIONS_FAILED).isZero();
        assertThat(outcome.reportDir()).as("report folder").isPresent();
        Path report = outcome.reportDir().orElseThrow();
        assertThat(report.resolve("index.html")).exists();
        assertThat(OfflineReport.problems(report.resolve("index.html"))).as("resources the report loads from elsewhere").isEmpty();
        assertThat(report.resolve(LatencyBook.PERCENTILES_FILE)).exists();
        assertThat(Files.readString(report.resolve(LatencyBook.PERCENTILES_FILE))).contains(simulation.mainRequest());
    }

    @AfterEach
    void clearShortForm() {
        System.clearProperty(Knobs.SHORT);
        System.clearProperty(LoadTargets.PROPERTY);
    }
}
