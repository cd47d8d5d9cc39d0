package org.nbstack.netbios.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.ResourceLeakDetector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nbstack.netbios.testing.SimIsolation;
import org.nbstack.netbios.testing.SimIsolation.Failure;
import org.nbstack.netbios.testing.SimIsolation.Plan;
import org.nbstack.netbios.testing.SimIsolation.Window;
import org.nbstack.netbios.testing.TestServers;
import org.nbstack.tcp.sim.SimEventLoops;
import org.nbstack.tcp.sim.SimSeeds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seed 004 / Q186873 in deterministic virtual time ({@link SimIsolation}): one failed NetBIOS session consumed every
 * send buffer and blocked NetBIOS for every client. The server runs on the engine, its 240 clients on a second engine,
 * both in one seeded simulation, so the isolation criteria are exact: the healthy sessions' round-trip distribution
 * with 20 clients that stop reading and 20 whose host vanishes equals the one without them, every failed session is
 * aborted by the write-stall timeout within its bound, no healthy client sees an error, and the status view answers
 * on time and shows the stalled sessions. A failure prints the seed and the command that replays it.
 */
class Q186873SimulationTest {
    private static final Logger log = LoggerFactory.getLogger(Q186873SimulationTest.class);
    /** The wall-clock test's link: 1 ms each way with jitter, 1% reordered, 1% duplicated. */
    private static final String LINK = "delay=1ms&jitter=200us&reorder=0.01&reorderDelay=1ms&dup=0.01";
    private static final Duration WRITE_STALL = Duration.ofSeconds(2);
    private static final Duration TICK = new SessionTimeouts(Duration.ZERO, Duration.ZERO, WRITE_STALL).tick();
    /**
     * Tear-down bound from the failure's start (the moment every failing client has its session): the first broadcast
     * that cannot leave starts the stall clock within 250 ms, then the 2 s stall timeout, then at most one 500 ms tick.
     */
    private static final Duration TEARDOWN_BOUND = WRITE_STALL.plus(TICK).plusMillis(250);
    /**
     * How far the healthy distribution may move: each task costs its loop 2 us, and the failing sessions' own work
     * (their connects, 64 KiB each of requests the server stops reading, aborts) runs on the same two server loops;
     * a session that held others up would hold them for its 2 s stall timeout.
     */
    private static final long TOLERANCE_NANOS = 100_000;
    /**
     * The slowest single round trip may move more: it is one sample, the unluckiest mix of the link's jitter,
     * reordering and duplication, drawn anew in every phase. Still 2000 times less than one stall timeout.
     */
    private static final long MAX_TOLERANCE_NANOS = 1_000_000;

    /**
     * PARANOID leak detection records a stack trace on every buffer access, which makes a simulated run of hundreds of
     * thousands of tasks take minutes; sampled detection still reports leaks to the build's detector.
     */
    private static ResourceLeakDetector.Level sampledLeakDetection() {
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
        return level;
    }

    @Test
    void failedSessionsAreTornDownWithoutChangingHealthyLatencyAtFullScale() {
        ResourceLeakDetector.Level level = sampledLeakDetection();
        try {
            fullScale();
        } finally {
            ResourceLeakDetector.setLevel(level);
        }
    }

    private static void fullScale() {
        SimSeeds.run(Q186873SimulationTest.class, "failedSessionsAreTornDownWithoutChangingHealthyLatencyAtFullScale", 186873, 1, seed -> {
            Plan plan = new Plan(200, Duration.ofMillis(100), Duration.ofMillis(50), 1024, WRITE_STALL, Duration.ofSeconds(2),
                    3, LINK);
            Failure failure = new Failure(20, 20);
            try (SimEventLoops sim = new SimEventLoops(seed)) {
                SimIsolation scenario = new SimIsolation(sim, plan);
                try {
                    scenario.startHealthy(Duration.ofSeconds(1));
                    List<Long> baseline = new ArrayList<>();
                    List<Long> duringFailure = new ArrayList<>();
                    List<Window> windows = new ArrayList<>();
                    for (int round = 0; round < plan.rounds(); round++) {
                        baseline.addAll(scenario.measure(plan.baseline()));
                        windows.add(scenario.fail(failure, TEARDOWN_BOUND.plusSeconds(5), Duration.ofMillis(500), duringFailure));
                    }
                    log.info("seed {}: healthy echo p50/p90/p99/max without failing clients {} us ({} samples), with {} us ({} samples); "
                            + "failures {}; {} tasks in {} virtual", seed, summary(baseline), baseline.size(), summary(duringFailure),
                            duringFailure.size(), windows, sim.tasksRun(), sim.elapsed());

                    assertThat(scenario.healthyErrors()).as("errors seen by healthy clients").isEmpty();
                    assertThat(scenario.missedPeriods()).as("healthy echo periods missed (previous echo not back)").isZero();
                    int perRound = plan.healthy() * (int) (plan.baseline().toMillis() / plan.echoPeriod().toMillis());
                    assertThat(baseline.size()).as("baseline samples").isGreaterThanOrEqualTo(plan.rounds() * (perRound - plan.healthy()));
                    assertThat(duringFailure.size()).as("samples during the failures").isGreaterThan(plan.rounds() * perRound);
                    for (double p : new double[] {0.5, 0.9, 0.99}) {
                        assertThat(SimIsolation.percentile(duringFailure, p)).as("healthy round trip at quantile " + p + " during the failures (ns)")
                                .isBetween(SimIsolation.percentile(baseline, p) - TOLERANCE_NANOS, SimIsolation.percentile(baseline, p) + TOLERANCE_NANOS);
                    }
                    assertThat(SimIsolation.percentile(duringFailure, 1.0)).as("slowest healthy round trip during the failures (ns)")
                            .isLessThanOrEqualTo(SimIsolation.percentile(baseline, 1.0) + MAX_TOLERANCE_NANOS);
                    assertFailuresHandled(scenario, windows, failure, plan.rounds());
                    assertThat(windows).as("failing sessions torn down within " + TEARDOWN_BOUND + " of the failure's start")
                            .allSatisfy(w -> assertThat(w.allGoneAfter()).isLessThanOrEqualTo(TEARDOWN_BOUND));
                } finally {
                    scenario.close();
                }
            }
        });
    }

    /**
     * Seeded variations: random healthy and failing counts (at least one failing session), failure kinds, stall
     * timeouts, broadcast rates and link jitter, reordering and duplication; the same criteria, with the latency bound
     * an absolute one (no healthy echo may take more than a link round trip's worst case plus 20 ms).
     */
    @Test
    void randomFailuresNeverHoldUpHealthySessions() {
        ResourceLeakDetector.Level level = sampledLeakDetection();
        try {
            variations();
        } finally {
            ResourceLeakDetector.setLevel(level);
        }
    }

    private static void variations() {
        SimSeeds.run(Q186873SimulationTest.class, "randomFailuresNeverHoldUpHealthySessions", 1, 200, seed -> {
            SplittableRandom random = new SplittableRandom(seed);
            int delayMicros = 100 + random.nextInt(2000);
            int jitterMicros = random.nextInt(500);
            String link = "delay=" + delayMicros + "us&jitter=" + jitterMicros + "us&reorder=" + random.nextInt(4) / 100.0
                    + "&reorderDelay=1ms&dup=" + random.nextInt(3) / 100.0;
            Duration stall = Duration.ofMillis(500 + random.nextInt(1500));
            Plan plan = new Plan(2 + random.nextInt(12), Duration.ofMillis(50 + random.nextInt(100)),
                    Duration.ofMillis(20 + random.nextInt(80)), 1024, stall, Duration.ofMillis(200 + random.nextInt(800)), 1, link);
            int stopReading = random.nextInt(4);
            Failure failure = new Failure(stopReading, (stopReading == 0 ? 1 : 0) + random.nextInt(4));
            try (SimEventLoops sim = new SimEventLoops(seed)) {
                SimIsolation scenario = new SimIsolation(sim, plan);
                try {
                    scenario.startHealthy(Duration.ofMillis(random.nextInt(500)));
                    List<Long> baseline = scenario.measure(plan.baseline());
                    List<Long> duringFailure = new ArrayList<>();
                    // Fill: the queues of failing sessions fill within 64 broadcasts (32 queued + buffers), then the stall timeout and one tick.
                    Duration bound = plan.broadcastPeriod().multipliedBy(64).plus(stall).plus(new SessionTimeouts(Duration.ZERO, Duration.ZERO, stall).tick());
                    Window window = scenario.fail(failure, bound.plusSeconds(5), Duration.ofMillis(200), duringFailure);
                    sim.trace("plan " + plan + ", failure " + failure + ", window " + window);
                    assertThat(scenario.healthyErrors()).as("errors seen by healthy clients").isEmpty();
                    assertThat(scenario.missedPeriods()).as("healthy echo periods missed").isZero();
                    long worstRoundTrip = 2L * (delayMicros + jitterMicros + 1000) * 1000 + 20_000_000L;
                    assertThat(SimIsolation.percentile(duringFailure, 1.0)).as("slowest healthy round trip during the failure (ns), " + plan)
                            .isLessThanOrEqualTo(worstRoundTrip);
                    assertThat(SimIsolation.percentile(baseline, 1.0)).isLessThanOrEqualTo(worstRoundTrip);
                    assertThat(window.allGoneAfter()).as("failing sessions torn down, " + plan + " " + failure).isNotNull()
                            .isLessThanOrEqualTo(bound);
                    assertFailuresHandled(scenario, List.of(window), failure, 1);
                } finally {
                    scenario.close();
                }
            }
        });
    }

    private static void assertFailuresHandled(SimIsolation scenario, List<Window> windows, Failure failure, int rounds) {
        for (Window window : windows) {
            assertThat(window.allGoneAfter()).as("all failing sessions torn down").isNotNull();
            assertThat(window.sawStalledSession()).as("status showed the stalled sessions while they failed").isTrue();
            assertThat(window.statusPolls()).as("status polls").isPositive();
            assertThat(window.statusPollsLate()).as("status polls that ran more than 1 ms late").isZero();
        }
        int failed = rounds * failure.total();
        assertThat(TestServers.count(scenario.meters(), "netbios.sessions.stalled")).isEqualTo(failed);
        assertThat(TestServers.count(scenario.meters(), "netbios.sessions.closed", "reason", "write_stall")).isEqualTo(failed);
        assertThat(scenario.server().sessions()).hasSize(scenario.server().sessions().size())
                .allSatisfy(s -> assertThat(s.callingName().name()).startsWith("HEALTHY"))
                .allSatisfy(s -> assertThat(s.state()).isEqualTo(SessionState.ESTABLISHED));
        // Their sessions were aborted with a reset; a host that really vanished never hears of it.
        assertThat(scenario.vanishedThatHeardOfTheirAbort()).as("vanished clients the server's reset reached").isZero();
    }

    private static String summary(List<Long> values) {
        return SimIsolation.percentile(values, 0.5) / 1000 + "/" + SimIsolation.percentile(values, 0.9) / 1000 + "/"
                + SimIsolation.percentile(values, 0.99) / 1000 + "/" + SimIsolation.percentile(values, 1.0) / 1000;
    }
}
