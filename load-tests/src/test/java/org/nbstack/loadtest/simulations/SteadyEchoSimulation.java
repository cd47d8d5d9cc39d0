package org.nbstack.loadtest.simulations;

import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.pace;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ScenarioBuilder;
import java.time.Duration;
import org.nbstack.loadtest.gatling.Knobs;
import org.nbstack.loadtest.server.ServedNames;
import org.nbstack.loadtest.server.ServerTuning;

/**
 * Steady echo: ramp to N sessions, then every session echoes at a fixed pace (N / interval requests per second)
 * for the duration. Passes with zero failures, echo p99 under the limit and at least 80% of the planned echoes.
 */
public final class SteadyEchoSimulation extends NbssSimulation {

    private final int sessions = Knobs.integer("sessions", 200, 40);
    private final Duration ramp = Knobs.duration("ramp", Duration.ofSeconds(10), Duration.ofSeconds(2));
    private final Duration hold = Knobs.duration("duration", Duration.ofSeconds(60), Duration.ofSeconds(5));
    private final Duration interval = Knobs.duration("interval", Duration.ofMillis(100), Duration.ofMillis(100));
    // The short form runs inside bin/test on a shared machine: only a real stall crosses 1 s (the full run keeps 100 ms).
    private final int p99Millis = Knobs.integer("p99Millis", 100, 1000);
    private final LoadStart loadStart = new LoadStart();

    public SteadyEchoSimulation() {
        super(ServerTuning.STANDARD);
        ScenarioBuilder steadyEcho = scenario("steady echo")
                .exec(nbss.connect("connect", ServedNames.ECHO)).exitHereIfFailed()
                .pause(session -> loadStart.remaining())
                .pause(Duration.ZERO, interval) // spread the sessions' first requests over one interval
                .during(hold).on(pace(interval).exec(nbss.echo("echo", payloadSize, ECHO_TIMEOUT)))
                .exec(nbss.close("close"));
        long planned = sessions * (hold.toMillis() / Math.max(1, interval.toMillis()));
        setUp(steadyEcho.injectOpen(rampUsers(sessions).during(ramp))).assertions(
                global().failedRequests().count().is(0L),
                details("echo").responseTime().percentile(99.0).lt(p99Millis),
                details("echo").successfulRequests().count().gte(planned * 8 / 10));
    }

    @Override
    public void before() {
        super.before();
        loadStart.startAfter(ramp);
    }
}
