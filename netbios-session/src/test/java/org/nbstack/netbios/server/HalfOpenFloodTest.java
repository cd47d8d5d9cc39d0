package org.nbstack.netbios.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nbstack.netbios.testing.EchoingClients.percentile;
import static org.nbstack.netbios.testing.EchoingClients.withoutStandstills;
import static org.nbstack.netbios.testing.TestServers.count;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nbstack.netbios.name.NetbiosName;
import org.nbstack.netbios.session.SessionState;
import org.nbstack.netbios.session.SessionStatus;
import org.nbstack.netbios.testing.EchoingClients;
import org.nbstack.netbios.testing.EchoingClients.RoundTrip;
import org.nbstack.netbios.testing.GcPauses;
import org.nbstack.netbios.testing.HalfOpenFlood;
import org.nbstack.netbios.testing.HalfOpenConnections.Outcome;
import org.nbstack.netbios.testing.HiccupProbe;
import org.nbstack.netbios.testing.TestNetwork;
import org.nbstack.netbios.testing.TestServers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A flood of connections that never send their SESSION REQUEST (some send part of a header, or a header and part of
 * the request, and stop) while established sessions echo at a fixed rate. The session request timeout must hold
 * for every one of them, whatever the flood's size, and the established sessions must not notice: no errors, and
 * their p99 round trip near the one measured without a flood in the same run. On the kernel transports and on the
 * engine, where the flood and the sessions are channels of a client engine beside the server's (a {@code mem} link).
 */
class HalfOpenFloodTest {

    private static final Logger log = LoggerFactory.getLogger(HalfOpenFloodTest.class);
    private static final NetbiosName SERVER = NetbiosName.server("FLOODED");
    private static final int HEALTHY = 40;
    private static final Duration ECHO_PERIOD = Duration.ofMillis(50);
    private static final int FLOOD = 450;
    /** The flood opens over this long: a flood, but not a CPU spike that would stall every thread of a 2-core machine. */
    private static final Duration OPENING_TIME = Duration.ofMillis(300);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);
    /** How late after the request timeout a half-open connection may be closed: the reset itself takes microseconds. */
    private static final Duration CLOSE_BOUND = Duration.ofSeconds(1);
    private static final Duration BASELINE_PHASE = Duration.ofSeconds(2);
    private static final int ROUNDS = 2;

    static Stream<String> transports() {
        return Stream.concat(TestServers.kernelTransports(), Stream.of("engine"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void halfOpenConnectionsAreResetAtTheRequestTimeoutAndSessionsDoNotNotice(String transport) throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ListenerRegistry listeners = new ListenerRegistry();
        listeners.listen(Listener.of(SERVER, session -> session.inbound()));
        // Room for the whole flood, so that every connection meets the request timeout and none the pending limit
        // (PendingConnectionLimitTest covers that), and a backlog the flood's SYNs cannot overflow.
        try (TestNetwork network = TestNetwork.of(transport, "mem://");
                NetbiosServer server = network.start(listeners, meters, b -> b
                        .sessionRequestTimeout(REQUEST_TIMEOUT).maxPendingConnections(FLOOD + 50).backlog(2 * FLOOD));
                EchoingClients healthy = EchoingClients.start(network, server.localAddress(), SERVER, HEALTHY, ECHO_PERIOD);
                GcPauses gcPauses = new GcPauses();
                HiccupProbe hiccups = new HiccupProbe(3, TimeUnit.MILLISECONDS)) {
            // Rehearsal: JIT compilation and class loading of the accept, timeout and reset paths are not the flood's cost.
            flood(network, server, FLOOD / 3);
            healthy.takeRoundTrips();
            double timedOutBefore = count(meters, "netbios.requests.timedout");

            List<RoundTrip> baseline = new ArrayList<>();
            List<RoundTrip> duringFloods = new ArrayList<>();
            List<FloodRound> rounds = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                // Baseline and flood alternate, so load from outside the test falls on both alike.
                Thread.sleep(BASELINE_PHASE.toMillis());
                baseline.addAll(healthy.takeRoundTrips());
                rounds.add(flood(network, server, FLOOD));
                duringFloods.addAll(healthy.takeRoundTrips());
            }

            List<RoundTrip> baselineKept = withoutStandstills(baseline, gcPauses, hiccups);
            List<RoundTrip> floodsKept = withoutStandstills(duringFloods, gcPauses, hiccups);
            long baselineP99 = percentile(baselineKept, 0.99);
            long floodP99 = percentile(floodsKept, 0.99);
            // Twice the baseline plus 50 ms: accepting and resetting several hundred connections costs the two event
            // loops (on a 2-core machine that also runs every client and the flood) some milliseconds, and the machine
            // adds its own noise. A half-open connection that held an event loop while it waited for its request would
            // cost the sessions on that loop up to the request timeout, 1 s. Work of a few milliseconds per connection
            // shows sooner, as resets later than the close bound.
            long allowed = 2 * baselineP99 + Duration.ofMillis(50).toNanos();
            log.info("{}: healthy echo p50/p99 without a flood {}/{} us ({} round trips, {} left out), during floods {}/{} us ({}, {} left out); "
                    + "allowed {} us; {} GC pauses, {} JVM hiccups; {}",
                    transport, percentile(baselineKept, 0.5) / 1000, baselineP99 / 1000, baselineKept.size(),
                    baseline.size() - baselineKept.size(), percentile(floodsKept, 0.5) / 1000, floodP99 / 1000, floodsKept.size(),
                    duringFloods.size() - floodsKept.size(), allowed / 1000, gcPauses.count(), hiccups.count(), rounds);

            for (FloodRound round : rounds) {
                assertThat(round.outcomes).as("every half-open connection closed by the server")
                        .allSatisfy(o -> assertThat(o.closedByServer()).as(o.toString()).isTrue());
                assertThat(round.outcomes).as("none closed before the request timeout (counted from its connect)")
                        .allSatisfy(o -> assertThat(Duration.ofNanos(o.closedNanos() - o.connectStartNanos()))
                                .as(o.toString()).isGreaterThanOrEqualTo(REQUEST_TIMEOUT));
                assertThat(round.outcomes).as("all closed within the request timeout plus " + CLOSE_BOUND)
                        .allSatisfy(o -> assertThat(Duration.ofNanos(o.closedNanos() - o.connectedNanos()))
                                .as(o.toString()).isLessThanOrEqualTo(REQUEST_TIMEOUT.plus(CLOSE_BOUND)));
                assertThat(round.peakPending).as("pending connections seen by the gauge during the flood").isGreaterThan(FLOOD / 4);
                assertThat(round.slowestStatusNanos).as("slowest status query during the flood (ns)")
                        .isLessThan(Duration.ofMillis(500).toNanos());
                assertThat(round.statusAlwaysShowedEverySession).as("status showed every established session").isTrue();
            }
            assertThat(count(meters, "netbios.requests.timedout") - timedOutBefore).as("request timeouts counted")
                    .isEqualTo(ROUNDS * FLOOD);
            assertThat(count(meters, "netbios.connections.rejected", "reason", "pending_full")).isZero();
            assertThat(healthy.errors()).as("errors seen by established sessions").isEmpty();
            // Round trips overlapping a GC pause or a standstill of the whole JVM (HiccupProbe, a thread that is none of
            // the server's) are left out of both phases; at most 10 points more during the floods than without, so a
            // flood that stalled everything cannot hide there.
            double leftOutBaseline = 1 - (double) baselineKept.size() / baseline.size();
            double leftOutFloods = 1 - (double) floodsKept.size() / duringFloods.size();
            assertThat(leftOutFloods).as("share of round trips left out during the floods, against the baseline's")
                    .isLessThanOrEqualTo(leftOutBaseline + 0.10);
            assertThat(baselineKept.size()).as("baseline round trips kept").isGreaterThan(HEALTHY * 15 * ROUNDS);
            assertThat(floodsKept.size()).as("round trips kept during the floods").isGreaterThan(HEALTHY * 10 * ROUNDS);
            assertThat(floodP99).as("healthy p99 during the floods (ns), baseline p99 " + baselineP99).isLessThanOrEqualTo(allowed);

            // Back to where it was: no connection still counted as pending, no session more or less.
            assertThat(server.pendingConnections()).isZero();
            assertThat(meters.find("netbios.connections.pending").gauge().value()).isZero();
            assertThat(server.sessions()).hasSize(HEALTHY).allSatisfy(s -> assertThat(s.state()).isEqualTo(SessionState.ESTABLISHED));
            assertThat(meters.find("netbios.sessions.active").gauge().value()).isEqualTo(HEALTHY);
            assertThat(meters.find("netbios.sessions.established").counter().count()).isEqualTo(HEALTHY);
        }
    }

    /** What one flood looked like: each connection's fate, and the status view polled every 20 ms meanwhile. */
    private record FloodRound(List<Outcome> outcomes, int peakPending, long slowestStatusNanos, boolean statusAlwaysShowedEverySession,
            long durationNanos) {
        @Override
        public String toString() {
            long latest = outcomes.stream().mapToLong(o -> o.closedNanos() - o.connectedNanos()).max().orElse(0);
            return "flood of " + outcomes.size() + " over in " + durationNanos / 1_000_000 + " ms (latest close "
                    + latest / 1_000_000 + " ms after its connect), peak pending " + peakPending + ", slowest status "
                    + slowestStatusNanos / 1000 + " us";
        }
    }

    private static FloodRound flood(TestNetwork network, NetbiosServer server, int connections) throws Exception {
        long start = System.nanoTime();
        int peakPending = 0;
        long slowestStatus = 0;
        boolean everySession = true;
        try (HalfOpenFlood flood = network.openHalfOpen(server.localAddress(), connections, OPENING_TIME)) {
            Duration deadline = REQUEST_TIMEOUT.plus(CLOSE_BOUND).plusSeconds(3);
            while (!flood.awaitAllEnded(Duration.ofMillis(20)) && System.nanoTime() - start < deadline.toNanos()) {
                long t0 = System.nanoTime();
                List<SessionStatus> status = server.sessions();
                slowestStatus = Math.max(slowestStatus, System.nanoTime() - t0);
                everySession &= status.size() == HEALTHY;
                peakPending = Math.max(peakPending, server.pendingConnections());
            }
            return new FloodRound(flood.outcomes(), peakPending, slowestStatus, everySession, System.nanoTime() - start);
        }
    }
}
