package org.nbstack.loadtest.simulations;

import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.pace;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import java.time.Duration;
import org.nbstack.loadtest.gatling.Knobs;
import org.nbstack.loadtest.server.ServedNames;
import org.nbstack.loadtest.server.ServerTuning;

/**
 * Seed 004 (Q186873), failing clients: healthy sessions echo at a fixed pace while, mid-run, a share of the users
 * first behave, then half of them stop reading (and keep sending) and half vanish (a burst, then silence). The
 * server must tear the failed sessions down (write-stall timeout) without the healthy ones noticing. Passes with
 * zero healthy errors, healthy echo p99 under the limit, and every failed session torn down.
 */
public final class FailingClientsSimulation extends NbssSimulation {

    private static final int FAILING_MESSAGE_SIZE = 4096;

    private final int healthySessions = Knobs.integer("sessions", 200, 40);
    private final double failingShare = Knobs.decimal("failingShare", 0.2, 0.2);
    private final FailurePhase phase = new FailurePhase();
    private final Duration interval = Knobs.duration("interval", Duration.ofMillis(100), Duration.ofMillis(100));
    // The short form runs inside bin/test on a shared machine: only a real stall crosses 1 s (the full run keeps 100 ms).
    private final int p99Millis = Knobs.integer("p99Millis", 100, 1000);
    private final LoadStart loadStart = new LoadStart();

    public FailingClientsSimulation() {
        super(ServerTuning.FAST_STALL_DETECTION);
        int failing = Math.max(2, (int) Math.round(healthySessions * failingShare / (1 - failingShare)));

        ScenarioBuilder healthy = scenario("healthy")
                .exec(nbss.connect("connect", ServedNames.ECHO)).exitHereIfFailed()
                .pause(session -> loadStart.remaining())
                .pause(Duration.ZERO, interval)
                .during(phase.hold).on(pace(interval).exec(nbss.echo("echo", payloadSize, ECHO_TIMEOUT)))
                .exec(nbss.close("close"));
        ScenarioBuilder stopsReading = scenario("stops reading")
                .exec(behaveFirst())
                .exec(nbss.stopReadingAndKeepSending(FAILING_MESSAGE_SIZE, Duration.ofMillis(10), FailurePhase.STOP_READING_FOR))
                .exec(nbss.checkTornDown("failed session torn down", FailurePhase.TEARDOWN_CHECK_BOUND));
        ScenarioBuilder vanishes = scenario("vanishes")
                .exec(behaveFirst())
                .exec(nbss.sendBurstThenVanish(FAILING_MESSAGE_SIZE, 200))
                .pause(FailurePhase.LOOK_AGAIN_AFTER)
                .exec(nbss.checkTornDown("failed session torn down", FailurePhase.TEARDOWN_CHECK_BOUND));

        setUp(phase.populations(healthy, healthySessions, stopsReading, vanishes, failing))
                .assertions(
                        details("connect").failedRequests().count().is(0L),
                        details("echo").failedRequests().count().is(0L),
                        details("echo").responseTime().percentile(99.0).lt(p99Millis),
                        details("failed session torn down").successfulRequests().count().is((long) failing));
    }

    /** Connects through the non-reading client and echoes a few times like a healthy user. */
    private ChainBuilder behaveFirst() {
        return exec(nbss.connectNonReading("failing user connect", ServedNames.ECHO)).exitHereIfFailed()
                .repeat(3).on(nbss.echo("failing user echo", payloadSize, ECHO_TIMEOUT));
    }

    @Override
    public void before() {
        super.before();
        loadStart.startAfter(phase.ramp);
    }
}
