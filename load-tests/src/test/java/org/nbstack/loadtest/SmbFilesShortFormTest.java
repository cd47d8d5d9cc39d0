package org.nbstack.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nbstack.loadtest.gatling.Knobs;
import org.nbstack.loadtest.runner.GatlingLauncher;
import org.nbstack.loadtest.runner.SimulationCatalog;
import org.nbstack.loadtest.server.ServerTuning;
import org.nbstack.loadtest.simulations.SmbFilesSimulation;

/**
 * The SMB file simulation's short form (10 healthy users for about 15 s, 6 failing ones) through Gatling, in
 * {@code bin/test}: every assertion must hold (no healthy error, healthy p99 under 1 s, every failed connection torn
 * down by the server), and the run leaves its report.
 */
class SmbFilesShortFormTest {

    @Test
    void healthyFileUsersSeeNoErrorWhileOthersStopReadingOrVanish() throws Exception {
        if (System.getProperty(Knobs.SHORT) == null) {
            System.setProperty(Knobs.SHORT, "true"); // -Dnbstack.loadtest.short=false runs the full simulation
        }
        SimulationCatalog.Entry simulation = new SimulationCatalog.Entry("smb-files", SmbFilesSimulation.class, "smb write+read",
                ServerTuning.FAST_STALL_DETECTION, true);

        GatlingLauncher.Outcome outcome = GatlingLauncher.run(simulation, Path.of("target", "gatling"), "short form in bin/test");

        assertThat(outcome.status()).as("Gatling's exit status (%d = an assertion failed; see the report and the log)",
                GatlingLauncher.ASSERTIONS_FAILED).isZero();
        assertThat(outcome.reportDir()).as("report folder").isPresent();
        assertThat(outcome.reportDir().orElseThrow().resolve("index.html")).exists();
    }

    @AfterEach
    void clearShortForm() {
        System.clearProperty(Knobs.SHORT);
    }
}
