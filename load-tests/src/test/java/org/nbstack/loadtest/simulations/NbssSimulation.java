package org.nbstack.loadtest.simulations;

import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.Locale;
import org.nbstack.loadtest.gatling.Knobs;
import org.nbstack.loadtest.gatling.LoadRun;
import org.nbstack.loadtest.gatling.Nbss;
import org.nbstack.loadtest.server.ServerTuning;

/** What every NBSS simulation shares: its {@link LoadRun}, started before the load and finished after it. */
abstract class NbssSimulation extends Simulation {

    /** Bound on one echo round trip before it counts as failed. */
    static final Duration ECHO_TIMEOUT = Duration.ofSeconds(5);

    final LoadRun run;
    final Nbss nbss;
    final int payloadSize = Knobs.integer("payload", 64, 64);

    NbssSimulation(ServerTuning tuning) {
        this.run = new LoadRun(getClass().getSimpleName().toLowerCase(Locale.ROOT), tuning);
        this.nbss = new Nbss(run);
    }

    @Override
    public void before() {
        run.start();
    }

    @Override
    public void after() {
        run.finish();
    }
}
