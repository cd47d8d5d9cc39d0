package org.nbstack.netbios.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.nbstack.netbios.server.NetbiosServerSettings;
import org.nbstack.netbios.testing.SimIsolation;
import org.nbstack.netbios.testing.SimIsolation.Frozen;
import org.nbstack.netbios.testing.SimIsolation.FrozenHost;
import org.nbstack.netbios.testing.SimIsolation.Plan;
import org.nbstack.netbios.testing.TestServers;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.sim.SimEventLoops;
import org.nbstack.tcp.sim.SimSeeds;

/**
 * A client whose host vanishes (blackholed on the {@code sim} link: no ACK, no RST, ever again) is found by each of
 * the three mechanisms that exist for it, each alone, at the virtual instant its configuration says, while healthy
 * sessions on the same server loops echo on without an error and without their round trips moving:
 * <ul>
 * <li>the NetBIOS KEEP ALIVE (RFC 1002 §4.3.7; the wall-clock variant is {@link KeepAliveFailureTest}): after its
 * data stopped moving the server queues a KEEP ALIVE one interval later (on the next tick) and aborts the session
 * when TCP has not taken it one more interval later;</li>
 * <li>TCP keepalive (RFC 1122 4.2.3.6, Linux TCP_KEEPIDLE/INTVL/CNT): the connection is reset idle + interval x count
 * after the last segment the server received;</li>
 * <li>the TCP user timeout (RFC 5482; wall-clock: {@link TcpUserTimeoutTest}): the connection is reset that long after
 * the first unacknowledged transmission.</li>
 * </ul>
 * Plus 201 seeded variations of mechanism, timeouts, counts and link delay. The server runs on the engine, its
 * clients on a second engine, every loop in one {@link SimEventLoops} simulation.
 */
class VanishedClientSimulationTest {
    /** Task costs on the way from the timer to the session's removal (2 us per task on the loops it passes). */
    private static final long SLACK_NANOS = 100_000;

    enum Mechanism { NETBIOS_KEEPALIVE, TCP_KEEPALIVE, USER_TIMEOUT }

    /** One run's configuration. Timeouts in whole seconds for TCP keepalive: its channel options are seconds. */
    record Case(Mechanism mechanism, int healthy, int vanishing, Duration oneWay, Duration netbiosKeepAlive,
            int keepIdleSeconds, int keepIntervalSeconds, int keepCount, Duration userTimeout) {
    }

    @Test
    void netbiosKeepAliveAbortsAVanishedClientTwoIntervalsAfterItsDataStopped() {
        runFixed("netbiosKeepAliveAbortsAVanishedClientTwoIntervalsAfterItsDataStopped",
                new Case(Mechanism.NETBIOS_KEEPALIVE, 50, 5, Duration.ofMillis(1), Duration.ofSeconds(1), 0, 0, 0, Duration.ZERO));
    }

    @Test
    void tcpKeepAliveResetsAVanishedClientAfterIdlePlusIntervalTimesProbes() {
        runFixed("tcpKeepAliveResetsAVanishedClientAfterIdlePlusIntervalTimesProbes",
                new Case(Mechanism.TCP_KEEPALIVE, 50, 5, Duration.ofMillis(1), Duration.ZERO, 2, 1, 3, Duration.ZERO));
    }

    @Test
    void tcpUserTimeoutResetsAVanishedClientThatLongAfterTheUnacknowledgedSend() {
        runFixed("tcpUserTimeoutResetsAVanishedClientThatLongAfterTheUnacknowledgedSend",
                new Case(Mechanism.USER_TIMEOUT, 50, 5, Duration.ofMillis(1), Duration.ZERO, 0, 0, 0, Duration.ofMillis(1500)));
    }

    /** Random mechanism (each in turn), healthy and vanishing counts, timeouts and one-way delay. */
    @Test
    void randomVanishingClientsAreFoundExactlyWhenTheirTimersSay() {
        withSampledLeakDetection(() -> SimSeeds.run(VanishedClientSimulationTest.class,
                "randomVanishingClientsAreFoundExactlyWhenTheirTimersSay", 1, 201, seed -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    Mechanism mechanism = Mechanism.values()[(int) (seed % 3)];
                    Case c = new Case(mechanism, 2 + random.nextInt(10), 1 + random.nextInt(4),
                            Duration.ofNanos(1000L * (100 + random.nextInt(2000))),
                            Duration.ofMillis(4L * (50 + random.nextInt(500))), 1 + random.nextInt(4), 1 + random.nextInt(3),
                            1 + random.nextInt(4), Duration.ofMillis(300 + random.nextInt(3000)));
                    scenario(seed, c);
                }));
    }

    private static void runFixed(String method, Case c) {
        withSampledLeakDetection(() -> SimSeeds.run(VanishedClientSimulationTest.class, method, 13, 1, seed -> scenario(seed, c)));
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

    private static void scenario(long seed, Case c) throws Exception {
        // No broadcasts: a vanished client must be idle for TCP keepalive, and hold no unacknowledged data before the send.
        Plan plan = new Plan(c.healthy(), Duration.ofMillis(100), Duration.ZERO, 1024, Duration.ZERO, Duration.ofSeconds(1), 1,
                "delay=" + c.oneWay().toNanos() / 1000 + "us");
        UnaryOperator<NetbiosServerSettings.Builder> settings = switch (c.mechanism()) {
            case NETBIOS_KEEPALIVE -> b -> b.writeStallTimeout(Duration.ZERO).keepAliveInterval(c.netbiosKeepAlive());
            case TCP_KEEPALIVE -> b -> b.writeStallTimeout(Duration.ZERO).tcpKeepAlive(true);
            case USER_TIMEOUT -> b -> b.writeStallTimeout(Duration.ZERO).tcpUserTimeout(c.userTimeout());
        };
        UnaryOperator<TcpConfig.Builder> serverTcp = c.mechanism() == Mechanism.TCP_KEEPALIVE
                ? t -> t.keepAliveIdle(Duration.ofSeconds(c.keepIdleSeconds())).keepAliveInterval(Duration.ofSeconds(c.keepIntervalSeconds()))
                        .keepAliveCount(c.keepCount())
                : t -> t;
        // Clients acknowledge at once, so the server last heard from a vanished client when it read its session response.
        UnaryOperator<TcpConfig.Builder> clientTcp = t -> t.delayedAck(Duration.ZERO);
        try (SimEventLoops sim = new SimEventLoops(seed)) {
            SimIsolation scenario = new SimIsolation(sim, plan, settings, serverTcp, clientTcp);
            try {
                scenario.startHealthy(Duration.ofMillis(300));
                List<Long> baseline = scenario.measure(plan.baseline());
                FrozenHost host = scenario.openFrozen("VANISHING", c.vanishing());
                sim.runFor(Duration.ofMillis(50)); // every session response acknowledged
                scenario.vanish(host);
                Map<String, Long> ids = new HashMap<>();
                for (Frozen client : host.clients()) {
                    ids.put(client.name, scenario.server().sessions().stream().filter(s -> s.callingName().name().equals(client.name))
                            .findFirst().orElseThrow().id());
                }
                Map<String, Long> expected = expectedTeardown(sim, scenario, c, host, ids);
                Map<String, Long> endedAt = new HashMap<>();
                List<Long> during = new java.util.ArrayList<>();
                long latest = expected.values().stream().mapToLong(Long::longValue).max().orElseThrow() + SLACK_NANOS;
                scenario.measureWhile(during, () -> {
                    for (var e : ids.entrySet()) {
                        if (!endedAt.containsKey(e.getKey()) && scenario.server().session(e.getValue()).isEmpty()) {
                            endedAt.put(e.getKey(), sim.nanoTime());
                        }
                    }
                    return endedAt.size() == ids.size();
                }, Duration.ofNanos(latest - sim.nanoTime() + 1_000_000_000L));
                String what = c + " seed " + seed;
                sim.trace(what + ": expected " + expected + ", ended " + endedAt);
                for (Frozen client : host.clients()) {
                    assertThat(endedAt.get(client.name)).as(what + ": " + client.name + " torn down at (virtual ns)").isNotNull()
                            .isBetween(expected.get(client.name), expected.get(client.name) + tolerance(c));
                }
                String reason = c.mechanism() == Mechanism.NETBIOS_KEEPALIVE ? "keepalive_failed" : "io_error";
                assertThat(TestServers.count(scenario.meters(), "netbios.sessions.closed", "reason", reason)).as(what).isEqualTo(c.vanishing());
                assertThat(scenario.vanishedThatHeardOfTheirAbort()).as("vanished clients that heard of their abort").isZero();
                assertThat(scenario.healthyErrors()).as(what + ": errors seen by healthy sessions").isEmpty();
                assertThat(scenario.missedPeriods()).as(what + ": healthy echo periods missed").isZero();
                assertThat(scenario.server().sessions()).hasSize(c.healthy());
                // The link has no jitter: a healthy round trip is the link's plus the tasks it passes; the teardown's
                // timers and resets may delay one by a few tasks, a held-up session by a timeout.
                for (double p : new double[] {0.5, 0.9, 0.99, 1.0}) {
                    assertThat(SimIsolation.percentile(during, p)).as(what + ": healthy round trip at quantile " + p + " (ns)")
                            .isBetween(SimIsolation.percentile(baseline, p) - SLACK_NANOS, SimIsolation.percentile(baseline, p) + SLACK_NANOS);
                }
            } finally {
                scenario.close();
            }
        }
    }

    /** When each vanished client's session must end, in the simulation's clock; starts what makes it end. */
    private static Map<String, Long> expectedTeardown(SimEventLoops sim, SimIsolation scenario, Case c, FrozenHost host,
            Map<String, Long> ids) {
        Map<String, Long> expected = new HashMap<>();
        switch (c.mechanism()) {
            case NETBIOS_KEEPALIVE -> {
                // 24 x 4 KiB: more than the 8 KiB send buffer, the client's 4 KiB window and Netty's high-water mark
                // take, so data stays queued; its last write is when TCP last took any.
                for (long id : ids.values()) {
                    for (int i = 0; i < 24; i++) {
                        scenario.server().send(id, Unpooled.wrappedBuffer(new byte[4096]));
                    }
                }
                sim.runFor(Duration.ofMillis(20));
                long interval = c.netbiosKeepAlive().toNanos();
                for (var e : ids.entrySet()) {
                    SessionStatus status = scenario.server().session(e.getValue()).orElseThrow().status();
                    assertThat(status.outboundMessages()).as(e.getKey() + " holds queued data").isPositive();
                    long lastWrite = sim.nanoTime() - status.sinceOutboundProgress().toNanos();
                    // KEEP ALIVE queued on the first tick one interval after the last write, abort one interval later.
                    expected.put(e.getKey(), lastWrite + 2 * interval);
                }
            }
            case TCP_KEEPALIVE -> {
                long probing = Duration.ofSeconds(c.keepIdleSeconds()).plusSeconds((long) c.keepIntervalSeconds() * c.keepCount()).toNanos();
                for (Frozen client : host.clients()) {
                    // Its ACK of the session response reached the server one way after it left.
                    expected.put(client.name, client.establishedAt + c.oneWay().toNanos() - SLACK_NANOS + probing);
                }
            }
            case USER_TIMEOUT -> {
                long sent = sim.nanoTime();
                for (long id : ids.values()) {
                    scenario.server().send(id, Unpooled.wrappedBuffer(new byte[100]));
                }
                for (String name : ids.keySet()) {
                    expected.put(name, sent + c.userTimeout().toNanos());
                }
            }
        }
        return expected;
    }

    /** How late after its expected instant a session may end: one timer granularity plus the tasks on the way. */
    private static long tolerance(Case c) {
        return switch (c.mechanism()) {
            // The session timers tick every quarter interval: the KEEP ALIVE is queued up to one tick late.
            case NETBIOS_KEEPALIVE -> new SessionTimeouts(c.netbiosKeepAlive(), Duration.ZERO, Duration.ZERO).tick().toNanos() + SLACK_NANOS;
            // The engine's timers fire at their deadline; the expectation above already allows SLACK early.
            case TCP_KEEPALIVE -> 2 * SLACK_NANOS;
            case USER_TIMEOUT -> SLACK_NANOS;
        };
    }
}
