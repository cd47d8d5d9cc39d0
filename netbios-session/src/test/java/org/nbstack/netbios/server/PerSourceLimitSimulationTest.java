package org.nbstack.netbios.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.ResourceLeakDetector;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nbstack.netbios.testing.SimIsolation;
import org.nbstack.netbios.testing.SimIsolation.Caller;
import org.nbstack.netbios.testing.SimIsolation.Plan;
import org.nbstack.netbios.testing.SimIsolation.Silent;
import org.nbstack.netbios.testing.TestServers;
import org.nbstack.tcp.sim.SimEventLoops;
import org.nbstack.tcp.sim.SimSeeds;

/**
 * One remote address cannot take every place of the server: max-pending-per-source bounds its connections waiting
 * for their SESSION REQUEST (the newest beyond it is reset at once, as for max-pending-connections) and
 * max-sessions-per-source its sessions (a SESSION REQUEST beyond it gets NEGATIVE SESSION RESPONSE 0x83, "called name
 * present, but insufficient resources", RFC 1002 §4.3.4, and the connection is closed). Another address still gets
 * in, exactly as many as the limits allow. In deterministic virtual time on the engine, 100 seeds of random limits and
 * counts each.
 */
class PerSourceLimitSimulationTest {
    private static final Duration ONE_WAY = Duration.ofMillis(1);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);
    /** Task costs on the way (2 us each on the loops the accept, the timer and the reset pass). */
    private static final long SLACK_NANOS = 100_000;
    /** One healthy session: its address (the clients' own) is under the same per-address limits. */
    private static final Plan PLAN = new Plan(1, Duration.ofMillis(100), Duration.ZERO, 1024, Duration.ofSeconds(2),
            Duration.ofSeconds(1), 1, "delay=" + ONE_WAY.toNanos() / 1000 + "us");

    @Test
    void oneAddressFillsItsPendingQuotaAndAnotherStillGetsIn() {
        withSampledLeakDetection(() -> SimSeeds.run(PerSourceLimitSimulationTest.class,
                "oneAddressFillsItsPendingQuotaAndAnotherStillGetsIn", 1, 100, PerSourceLimitSimulationTest::pending));
    }

    @Test
    void oneAddressFillsItsSessionQuotaAndAnotherStillGetsIn() {
        withSampledLeakDetection(() -> SimSeeds.run(PerSourceLimitSimulationTest.class,
                "oneAddressFillsItsSessionQuotaAndAnotherStillGetsIn", 1, 100, PerSourceLimitSimulationTest::sessions));
    }

    private static void pending(long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        int perSource = 1 + random.nextInt(10);
        int greedy = perSource + 1 + random.nextInt(20);
        int other = 1 + random.nextInt(perSource);
        Duration spacing = Duration.ofNanos(random.nextInt(2000) * 1000L);
        try (SimEventLoops sim = new SimEventLoops(seed)) {
            SimIsolation scenario = new SimIsolation(sim, PLAN, b -> b.sessionRequestTimeout(REQUEST_TIMEOUT)
                    .maxPendingConnections(perSource + other + 5).maxPendingPerSource(perSource).backlog(1024));
            try {
                scenario.startHealthy(Duration.ofMillis(200));
                String what = greedy + " silent connections from one address and " + other + " from another, "
                        + perSource + " allowed per address";
                List<Silent> fromGreedy = scenario.openSilent(greedy, spacing, SimIsolation.otherHost(0));
                List<Silent> fromOther = scenario.openSilent(other, spacing, SimIsolation.otherHost(1));
                sim.runUntil(() -> fromGreedy.stream().allMatch(s -> s.closedAt >= 0) && fromOther.stream().allMatch(s -> s.closedAt >= 0),
                        REQUEST_TIMEOUT.plusSeconds(2).plus(spacing.multipliedBy(greedy + other)));
                sim.trace(what);
                long roundTrip = 2 * ONE_WAY.toNanos();
                // Connections opened at one instant reach the server's two loops in a seeded order: which ones hold
                // the places is not fixed, how many is.
                List<Long> lived = fromGreedy.stream().map(s -> s.closedAt - s.activeAt).toList();
                assertThat(lived).as(what + ": greedy connections holding a place until the request timeout (ns)")
                        .filteredOn(t -> t >= REQUEST_TIMEOUT.toNanos() + roundTrip && t <= REQUEST_TIMEOUT.toNanos() + roundTrip + SLACK_NANOS)
                        .hasSize(perSource);
                assertThat(lived).as(what + ": greedy connections over the quota, reset at once (ns)")
                        .filteredOn(t -> t >= roundTrip && t <= roundTrip + SLACK_NANOS)
                        .hasSize(greedy - perSource);
                assertThat(fromGreedy).as(what + ": every connection ended by the server's reset, none by a close")
                        .allSatisfy(s -> assertThat(s.error).isNotNull().hasMessageContaining("reset"));
                for (Silent s : fromOther) {
                    assertThat(s.closedAt - s.activeAt).as(what + ": the other address's connections keep their places (ns)")
                            .isBetween(REQUEST_TIMEOUT.toNanos() + roundTrip, REQUEST_TIMEOUT.toNanos() + roundTrip + SLACK_NANOS);
                }
                assertThat(TestServers.count(scenario.meters(), "netbios.connections.rejected", "reason", "pending_per_source"))
                        .as(what).isEqualTo(greedy - perSource);
                assertThat(TestServers.count(scenario.meters(), "netbios.connections.rejected", "reason", "pending_full")).as(what).isZero();
                assertThat(TestServers.count(scenario.meters(), "netbios.requests.timedout")).as(what).isEqualTo(perSource + other);
                assertThat(scenario.server().pendingConnections()).isZero();
                // Places are given back: the greedy address gets a session again.
                assertThat(scenario.call("AGAIN", 1, SimIsolation.otherHost(0)).getFirst().answer).as(what).isEqualTo(0x82);
                assertThat(scenario.healthyErrors()).as(what + ": errors seen by established sessions").isEmpty();
            } finally {
                scenario.close();
            }
        }
    }

    private static void sessions(long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        int perSource = 1 + random.nextInt(8);
        int greedy = perSource + 1 + random.nextInt(12);
        int other = 1 + random.nextInt(perSource);
        try (SimEventLoops sim = new SimEventLoops(seed)) {
            SimIsolation scenario = new SimIsolation(sim, PLAN, b -> b.maxSessionsPerSource(perSource)
                    .maxSessions(PLAN.healthy() + perSource + other + 3));
            try {
                scenario.startHealthy(Duration.ofMillis(200));
                String what = greedy + " callers from one address and " + other + " from another, " + perSource + " sessions allowed per address";
                List<Caller> fromGreedy = scenario.call("GREEDY", greedy, SimIsolation.otherHost(0));
                List<Caller> fromOther = scenario.call("OTHER", other, SimIsolation.otherHost(1));
                sim.runFor(Duration.ofMillis(100)); // the refused ones' connections close
                sim.trace(what);
                List<Caller> admitted = fromGreedy.stream().filter(c -> c.answer == 0x82).toList();
                List<Caller> refused = fromGreedy.stream().filter(c -> c.answer != 0x82).toList();
                assertThat(admitted).as(what + ": sessions the greedy address got").hasSize(perSource)
                        .allSatisfy(c -> assertThat(c.closedAt).isNegative());
                assertThat(refused).as(what + ": the greedy address's callers beyond its quota").hasSize(greedy - perSource)
                        .allSatisfy(c -> {
                            assertThat(c.answer).as("NEGATIVE SESSION RESPONSE").isEqualTo(0x83);
                            assertThat(c.errorCode).as("insufficient resources").isEqualTo(0x83);
                            assertThat(c.closedAt).as("connection closed after the refusal").isPositive();
                        });
                assertThat(fromOther).as(what + ": the other address's callers").allSatisfy(c -> assertThat(c.answer).isEqualTo(0x82));
                assertThat(TestServers.count(scenario.meters(), "netbios.sessions.refused", "reason", "max_sessions_per_source"))
                        .as(what).isEqualTo(greedy - perSource);
                assertThat(TestServers.count(scenario.meters(), "netbios.sessions.refused", "reason", "max_sessions")).as(what).isZero();
                assertThat(scenario.server().sessions()).hasSize(PLAN.healthy() + perSource + other);

                // A session ended frees its place for the same address.
                admitted.getFirst().hangUp();
                sim.runFor(Duration.ofMillis(50));
                assertThat(scenario.call("AGAIN", 2, SimIsolation.otherHost(0))).extracting(c -> c.answer)
                        .as(what + ": two more callers from the greedy address after one of its sessions ended")
                        .containsExactlyInAnyOrder(0x82, 0x83);
                assertThat(scenario.healthyErrors()).as(what + ": errors seen by established sessions").isEmpty();
            } finally {
                scenario.close();
            }
        }
    }

    /** See Q186873SimulationTest: PARANOID leak detection makes long simulations take minutes. */
    private static void withSampledLeakDetection(Runnable run) {
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
        try {
            run.run();
        } finally {
            ResourceLeakDetector.setLevel(level);
        }
    }
}
