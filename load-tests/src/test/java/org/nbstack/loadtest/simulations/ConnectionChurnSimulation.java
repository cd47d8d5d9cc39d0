package org.nbstack.loadtest.simulations;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ScenarioBuilder;
import java.time.Duration;
import org.nbstack.loadtest.gatling.Knobs;
import org.nbstack.loadtest.server.ServedNames;
import org.nbstack.loadtest.server.ServerTuning;

/**
 * Connection churn: new users arrive at a constant rate; each connects, sends its SESSION REQUEST, makes one
 * request/response and closes. Passes with zero failures, connect and echo p99 under the limit, and (nearly) every
 * arrival's session closed again.
 */
public final class ConnectionChurnSimulation extends NbssSimulation {

    private final double rate = Knobs.decimal("rate", 100, 40);
    private final Duration duration = Knobs.duration("duration", Duration.ofSeconds(60), Duration.ofSeconds(8));
    private final int p99Millis = Knobs.integer("p99Millis", 50, 100);

    public ConnectionChurnSimulation() {
        super(ServerTuning.STANDARD);
        ScenarioBuilder churn = scenario("connection churn")
                .exec(nbss.connect("connect", ServedNames.ECHO)).exitHereIfFailed()
                .exec(nbss.echo("echo", payloadSize, ECHO_TIMEOUT))
                .exec(nbss.close("close"));
        long arrivals = (long) (rate * duration.toMillis() / 1000);
        setUp(churn.injectOpen(constantUsersPerSec(rate).during(duration))).assertions(
                global().failedRequests().count().is(0L),
                details("connect").responseTime().percentile(99.0).lt(p99Millis),
                details("echo").responseTime().percentile(99.0).lt(p99Millis),
                details("close").successfulRequests().count().gte(arrivals * 9 / 10));
    }
}
