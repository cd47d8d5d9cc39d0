package org.nbstack.loadtest.simulations;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import java.time.Duration;
import org.nbstack.loadtest.gatling.Knobs;
import org.nbstack.loadtest.server.ServedNames;
import org.nbstack.loadtest.server.ServerTuning;

/**
 * Connection churn: after a warm-up, new users arrive at a constant rate; each connects, sends its SESSION REQUEST, makes one
 * request/response and closes. Passes with zero failures, connect and echo p99 under the limit, and (nearly) every
 * arrival's session closed again.
 */
public final class ConnectionChurnSimulation extends NbssSimulation {

    private final double rate = Knobs.decimal("rate", 100, 40);
    private final Duration duration = Knobs.duration("duration", Duration.ofSeconds(60), Duration.ofSeconds(5));
    private final Duration warmUpTime = Knobs.duration("warmUp", Duration.ofSeconds(5), Duration.ofSeconds(2));
    // The short form runs inside bin/test on a shared machine: only a real stall crosses 1 s (the full run keeps 100 ms).
    private final int p99Millis = Knobs.integer("p99Millis", 100, 1000);

    public ConnectionChurnSimulation() {
        super(ServerTuning.STANDARD);
        long arrivals = (long) (rate * duration.toMillis() / 1000);
        // The same churn first under other request names, so class loading and JIT compilation of a cold JVM are not
        // in the measured percentiles.
        ScenarioBuilder warmUp = scenario("warm-up").exec(churn("warm-up "));
        ScenarioBuilder churn = scenario("connection churn").exec(churn(""));
        setUp(warmUp.injectOpen(constantUsersPerSec(rate).during(warmUpTime))
                .andThen(churn.injectOpen(constantUsersPerSec(rate).during(duration)))).assertions(
                global().failedRequests().count().is(0L),
                details("connect").responseTime().percentile(99.0).lt(p99Millis),
                details("echo").responseTime().percentile(99.0).lt(p99Millis),
                details("close").successfulRequests().count().gte(arrivals * 9 / 10));
    }

    /** Connect, one echo, close; request names start with {@code prefix}. */
    private ChainBuilder churn(String prefix) {
        return exec(nbss.connect(prefix + "connect", ServedNames.ECHO)).exitHereIfFailed()
                .exec(nbss.echo(prefix + "echo", payloadSize, ECHO_TIMEOUT))
                .exec(nbss.close(prefix + "close"));
    }
}
