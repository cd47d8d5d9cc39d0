package org.nbstack.loadtest.simulations;

import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;

import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import java.time.Duration;
import java.util.List;
import org.nbstack.loadtest.gatling.Knobs;
import org.nbstack.loadtest.server.ServerTuning;

/**
 * The timeline the seed-004 (Q186873) simulations share: healthy users ramp in over {@code ramp}; after
 * {@code ramp + settle} the failing users arrive within one second, half stopping to read and half vanishing; each
 * failed user then checks, within {@link #TEARDOWN_CHECK_BOUND}, that the server tore it down by its write-stall
 * timeout (the {@link ServerTuning#FAST_STALL_DETECTION} tuning).
 */
final class FailurePhase {

    static final Duration TEARDOWN_CHECK_BOUND = Duration.ofSeconds(5);
    /** A failed user is found after the write-stall timeout; it looks again well after that. */
    static final Duration LOOK_AGAIN_AFTER = ServerTuning.FAST_STALL_DETECTION.writeStallTimeout().plusSeconds(4);
    /**
     * A user that stops reading stalls the server's writes only once the buffers between them are full, which took up
     * to 6 s in some runs; looking again (reading) before the server tore it down would un-stall the session, so it
     * keeps not reading (and sending) until the server ends it, for up to as long as the whole check may take.
     */
    static final Duration STOP_READING_FOR = LOOK_AGAIN_AFTER.plus(TEARDOWN_CHECK_BOUND);

    final Duration ramp = Knobs.duration("ramp", Duration.ofSeconds(10), Duration.ofSeconds(2));
    final Duration settle = Knobs.duration("settle", Duration.ofSeconds(10), Duration.ofSeconds(2));
    final Duration hold = Knobs.duration("duration", Duration.ofSeconds(60), Duration.ofSeconds(10));

    /** The three populations: {@code healthyUsers} ramping in, then {@code failing} users split between the two kinds. */
    List<PopulationBuilder> populations(ScenarioBuilder healthy, int healthyUsers, ScenarioBuilder stopsReading, ScenarioBuilder vanishes,
            int failing) {
        int stopReading = failing / 2;
        Duration failuresStart = ramp.plus(settle);
        return List.of(healthy.injectOpen(rampUsers(healthyUsers).during(ramp)),
                stopsReading.injectOpen(nothingFor(failuresStart), rampUsers(stopReading).during(Duration.ofSeconds(1))),
                vanishes.injectOpen(nothingFor(failuresStart), rampUsers(failing - stopReading).during(Duration.ofSeconds(1))));
    }
}
