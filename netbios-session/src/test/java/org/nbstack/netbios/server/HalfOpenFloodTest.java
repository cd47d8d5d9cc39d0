package org.nbstack.netbios.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nbstack.netbios.testing.EchoingClients.percentile;
import static org.nbstack.netbios.testing.TestServers.count;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nbstack.netbios.name.NetbiosName;
import org.nbstack.netbios.session.SessionState;
import org.nbstack.netbios.session.SessionStatus;
import org.nbstack.netbios.testing.EchoingClients;
import org.nbstack.netbios.testing.EchoingClients.RoundTrip;
import org.nbstack.netbios.testing.HalfOpenFlood;
import org.nbstack.netbios.testing.HalfOpenConnections.Outcome;
import org.nbstack.netbios.testing.TestNetwork;
import org.nbstack.netbios.testing.TestServers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A flood of connections that never send their SESSION REQUEST (some send part of a header, or a header and part of
 * the request, and stop) while established sessions echo at a fixed rate. The session request timeout must hold
 * for every one of them, whatever the flood's size, and the established sessions must not notice: no errors, and
 * no round trip anywhere near the request timeout. On the kernel transports and on the
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
    /** Half the request timeout: what a session on a loop held by a half-open connection would wait, at least. */
    private static final Duration HELD_LOOP_BOUND = REQUEST_TIMEOUT.dividedBy(2);

    static Stream<String> transports() {
        return Stream.concat(TestServers.kernelTransports(), Stream.of("engine"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void halfOpenConnectionsAreResetAtTheRequestTimeoutAndSessionsDoNotNotice(String transport) throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ListenerRegistry listeners = new ListenerRegistry();
        listeners.listen(NameListener.of(SERVER, session -> session.inbound()));
        // Room for the whole flood, so that every connection meets the request timeout and none the pending limit
        // (PendingConnectionLimitTest covers that), and a backlog the flood's SYNs cannot overflow.
        try (TestNetwork network = TestNetwork.of(transport, "mem://");
                NetbiosServer server = network.start(listeners, meters, b -> b
                        .sessionRequestTimeout(REQUEST_TIMEOUT).maxPendingConnections(FLOOD + 50).backlog(2 * FLOOD));
                EchoingClients healthy = EchoingClients.start(network, server.localAddress(), SERVER, HEALTHY, ECHO_PERIOD)) {
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

            log.info("{}: healthy echo p50/p99/max without a flood {}/{}/{} us ({} round trips), during floods {}/{}/{} us ({}); {}",
                    transport, percentile(baseline, 0.5) / 1000, percentile(baseline, 0.99) / 1000, percentile(baseline, 1.0) / 1000,
                    baseline.size(), percentile(duringFloods, 0.5) / 1000, percentile(duringFloods, 0.99) / 1000,
                    percentile(duringFloods, 1.0) / 1000, duringFloods.size(), rounds);

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
                assertThat(Duration.ofNanos(round.slowestStatusNanos)).as("slowest status query during the flood")
                        .isLessThan(Duration.ofSeconds(1));
                assertThat(round.statusAlwaysShowedEverySession).as("status showed every established session").isTrue();
            }
            assertThat(count(meters, "netbios.requests.timedout") - timedOutBefore).as("request timeouts counted")
                    .isEqualTo(ROUNDS * FLOOD);
            assertThat(count(meters, "netbios.connections.rejected", "reason", "pending_full")).isZero();
            assertThat(healthy.errors()).as("errors seen by established sessions").isEmpty();
            // Wall-clock criteria are functional bounds no busy machine crosses: a half-open connection that held an
            // event loop while it waited for its request would hold the sessions on that loop for the 1 s request
            // timeout, so no round trip may reach half of it. (Percentile ratios are machine-load figures, not criteria.)
            assertThat(baseline.size()).as("baseline round trips").isGreaterThan(HEALTHY * 5 * ROUNDS);
            assertThat(duringFloods.size()).as("round trips during the floods").isGreaterThan(HEALTHY * 5 * ROUNDS);
            assertThat(Duration.ofNanos(percentile(duringFloods, 1.0))).as("slowest healthy round trip during the floods")
                    .isLessThan(HELD_LOOP_BOUND);

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
