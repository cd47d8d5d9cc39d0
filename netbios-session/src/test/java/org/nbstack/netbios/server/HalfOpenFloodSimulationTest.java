package org.nbstack.netbios.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.ResourceLeakDetector;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nbstack.netbios.session.SessionState;
import org.nbstack.netbios.testing.SimIsolation;
import org.nbstack.netbios.testing.SimIsolation.Plan;
import org.nbstack.netbios.testing.SimIsolation.Silent;
import org.nbstack.netbios.testing.TestServers;
import org.nbstack.tcp.sim.SimEventLoops;
import org.nbstack.tcp.sim.SimSeeds;

/**
 * A flood of connections that never send their SESSION REQUEST, in deterministic virtual time (server and clients on
 * the engine, every loop simulated): the first max-pending-connections of them are reset exactly at the session
 * request timeout, the rest at once (the pending-connection limit), the counters say so, and the established
 * sessions' round trips do not move. Random flood sizes, limits and pacing over 200 seeds; the wall-clock variant
 * is {@link HalfOpenFloodTest}.
 */
class HalfOpenFloodSimulationTest {
    private static final Duration ONE_WAY = Duration.ofMillis(1);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);
    /** Task costs on the way (2 us each on the loops the accept, the timer and the reset pass). */
    private static final long SLACK_NANOS = 100_000;

    @Test
    void halfOpenConnectionsMeetTheRequestTimeoutOrThePendingLimitExactly() {
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE); // see Q186873SimulationTest
        try {
            SimSeeds.run(HalfOpenFloodSimulationTest.class, "halfOpenConnectionsMeetTheRequestTimeoutOrThePendingLimitExactly",
                    1, 200, HalfOpenFloodSimulationTest::flood);
        } finally {
            ResourceLeakDetector.setLevel(level);
        }
    }

    private static void flood(long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        int pendingLimit = 5 + random.nextInt(40);
        int floodSize = 5 + random.nextInt(80);
        Duration spacing = Duration.ofNanos(random.nextInt(2000) * 1000L);
        Plan plan = new Plan(5 + random.nextInt(15), Duration.ofMillis(100), Duration.ofMillis(50), 1024, Duration.ofSeconds(2),
                Duration.ofSeconds(1), 1, "delay=" + ONE_WAY.toNanos() / 1000 + "us");
        try (SimEventLoops sim = new SimEventLoops(seed)) {
            SimIsolation scenario = new SimIsolation(sim, plan, b -> b.sessionRequestTimeout(REQUEST_TIMEOUT)
                    .maxPendingConnections(pendingLimit).backlog(1024));
            try {
                scenario.startHealthy(Duration.ofMillis(500));
                List<Long> baseline = scenario.measure(plan.baseline());
                long floodStart = sim.nanoTime();
                List<Silent> flood = scenario.openSilent(floodSize, spacing);
                sim.runUntil(() -> flood.stream().allMatch(s -> s.closedAt >= 0), Duration.ofSeconds(3));
                List<Long> duringFlood = scenario.measure(Duration.ofNanos(Math.max(0, floodStart + plan.baseline().toNanos() + REQUEST_TIMEOUT.toNanos() - sim.nanoTime())));
                String what = "flood of " + floodSize + " every " + spacing + " against a limit of " + pendingLimit;
                sim.trace(what);

                long roundTrip = 2 * ONE_WAY.toNanos();
                int held = Math.min(floodSize, pendingLimit);
                for (int i = 0; i < floodSize; i++) {
                    Silent s = flood.get(i);
                    assertThat(s.activeAt).as(what + ": connection " + i + " established").isPositive();
                    assertThat(s.closedAt).as(what + ": connection " + i + " closed by the server").isPositive();
                    long lived = s.closedAt - s.activeAt;
                    if (i < held) {
                        // RFC 1002 §5.2.1.2 gives no time; ours: reset at the request timeout after the server accepted it
                        // (its ACK one way after our SYN-ACK), heard one way later.
                        assertThat(lived).as(what + ": connection " + i + " holding a pending place, lived (ns)")
                                .isBetween(REQUEST_TIMEOUT.toNanos() + roundTrip, REQUEST_TIMEOUT.toNanos() + roundTrip + SLACK_NANOS);
                    } else {
                        assertThat(lived).as(what + ": connection " + i + " over the pending limit, lived (ns)")
                                .isBetween(roundTrip, roundTrip + SLACK_NANOS);
                    }
                }
                assertThat(TestServers.count(scenario.meters(), "netbios.requests.timedout")).as(what).isEqualTo(held);
                assertThat(TestServers.count(scenario.meters(), "netbios.connections.rejected", "reason", "pending_full"))
                        .as(what).isEqualTo(floodSize - held);
                assertThat(scenario.server().pendingConnections()).isZero();
                assertThat(scenario.healthyErrors()).as("errors seen by established sessions").isEmpty();
                assertThat(scenario.missedPeriods()).isZero();
                assertThat(scenario.server().sessions()).hasSize(plan.healthy())
                        .allSatisfy(st -> assertThat(st.state()).isEqualTo(SessionState.ESTABLISHED));
                // The link has no jitter: every healthy round trip is the same 2 ms plus the tasks it passes, so the
                // flood's accepts, timers and resets may delay one by a few tasks, never by a timeout.
                assertThat(SimIsolation.percentile(duringFlood, 1.0)).as(what + ": slowest healthy round trip during the flood (ns)")
                        .isLessThanOrEqualTo(SimIsolation.percentile(baseline, 1.0) + SLACK_NANOS);
            } finally {
                scenario.close();
            }
        }
    }
}
