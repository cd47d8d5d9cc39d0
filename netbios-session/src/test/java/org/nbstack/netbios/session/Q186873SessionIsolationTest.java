package org.nbstack.netbios.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.util.ResourceLeakDetector;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nbstack.netbios.name.NetbiosName;
import org.nbstack.netbios.server.ListenerRegistry;
import org.nbstack.netbios.server.NameListener;
import org.nbstack.netbios.server.NetbiosServer;
import org.nbstack.netbios.testing.RawNbssClient;
import org.nbstack.netbios.testing.SchedulerAccounting;
import org.nbstack.netbios.testing.TestNetwork;
import org.nbstack.netbios.testing.TestServers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seed 004 / Q186873: one failed NetBIOS session consumed every send buffer and blocked NetBIOS for every
 * client. Here 200 healthy sessions echo at a fixed rate while the server also pushes a message to every
 * session of the name every 50 ms (server-initiated sends); then 20 clients stop reading (they keep sending
 * requests whose echoes pile up) and 20 clients "vanish", on every transport.
 *
 * <p>What "vanish" means on loopback: the kernel always ACKs on 127.0.0.1, so a peer that never ACKs cannot be
 * made without a network namespace. A vanished client here is a frozen socket: it neither reads, writes nor
 * closes, and its receive buffer is small, so its window closes (zero window) after a few KiB exactly as a
 * dead host's data would pile up unacknowledged. Both kinds must be found by the write-stall timeout (2 s
 * here) and aborted, without the healthy sessions noticing.
 *
 * <p>On the {@code engine} transport the clients run on an engine of their own, on a {@code sim} link with seeded
 * delay, jitter, reordering and duplication between the two engines, and a vanished client really vanishes: each
 * failure's 20 connect from a host address of their own, which the sim link then blackholes (every packet from and
 * to it dropped, so the server's data is never acknowledged and its resets never arrive). The write-stall timeout
 * must find them just the same; the criteria are the same.
 *
 * <p>This runs in wall-clock time on a machine shared with other work, so it asserts only what a busy machine cannot
 * break but a real stall would: no healthy error, no healthy round trip of a second or more, every failed session
 * torn down within its bound, status answered within a second. The healthy percentiles with and without the failures
 * are written to {@code target/bench/isolation.json} (a benchmark, {@code bin/bench isolation}); the exact comparison
 * runs in deterministic virtual time in {@link Q186873SimulationTest}.
 *
 * <p>"What a busy machine cannot break" is measured, not guessed ({@link SchedulerAccounting}). At a load average of
 * 20 on 2 cores this JVM's event-loop threads waited for a CPU 92% of the time they wanted one, and healthy round
 * trips took up to 2.7 s in the baseline phase, with no failing client at all: starvation alone crosses any fixed
 * bound of a few seconds. So a wall-clock delay counts against its bound only beyond the longest run-queue wait of
 * any thread of the JVM in that interval, and, what starvation cannot excuse, no server event loop may sleep or block
 * while work is due on it: a stalled session that held its loop would hold it for the 2 s write-stall timeout.
 */
class Q186873SessionIsolationTest {

    private static final Logger log = LoggerFactory.getLogger(Q186873SessionIsolationTest.class);
    private static final NetbiosName SERVER = NetbiosName.server("FILESERVER");
    /**
     * How many clients of each kind. The same on the engine, where both TCPs (the server's and all clients') run in
     * this JVM under the PARANOID leak detector: that fits on two cores since the engine's checksum reads a packet
     * through one view instead of one leak-recorded 8-octet read after another (which took half the engine's CPU).
     */
    private record Load(int healthy, int stopReading, int vanishing) {
        int failing() {
            return stopReading + vanishing;
        }
    }

    private static final Load LOAD = new Load(200, 20, 20);
    private static final Duration ECHO_PERIOD = Duration.ofMillis(100);   // 10 echoes/s per healthy session
    private static final Duration BROADCAST_PERIOD = Duration.ofMillis(50);
    private static final int BROADCAST_SIZE = 1024;
    private static final Duration WRITE_STALL = Duration.ofSeconds(2);
    private static final Duration PHASE = Duration.ofSeconds(2);
    private static final int ROUNDS = 3;
    /** No healthy round trip may take this long: far above any scheduling delay, far below a 2 s stall. */
    private static final Duration HEALTHY_BOUND = Duration.ofSeconds(1);
    private static final Duration WARM_UP = Duration.ofSeconds(1);
    /** Bound on tear-down: buffers fill within ~1.5 s at these rates, then the stall timeout, a 0.5 s tick, slack. */
    private static final Duration TEARDOWN_BOUND = Duration.ofSeconds(8);
    /** How long the test waits for a failure's sessions to go before it gives up: a stall timeout that never fires. */
    private static final Duration TEARDOWN_GIVE_UP = Duration.ofSeconds(60);
    /**
     * No server event loop may sleep or block this long with work due, nor work this long without a break: half the
     * write-stall timeout a loop held by a stalled session would wait (measured under load: at most 0.38 s blocked,
     * collection pauses aside, and 22 ms of work).
     */
    private static final Duration LOOP_BLOCK_BOUND = WRITE_STALL.dividedBy(2);

    /** Faults on every packet in both directions, seeded so that a failure replays. */
    private static final String SIM_LINK = "sim://?delay=1ms&jitter=200us&reorder=0.01&reorderDelay=1ms&dup=0.01&seed=186873";

    static java.util.stream.Stream<String> transports() {
        return java.util.stream.Stream.concat(TestServers.kernelTransports(), java.util.stream.Stream.of("engine"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void failedSessionsAreTornDownWithoutSlowingHealthyOnes(String transport) throws Exception {
        // PARANOID leak detection records a stack trace on every ByteBuf access: with both TCPs (engine) or every
        // session's buffers in one JVM it multiplied the CPU this wall-clock test needs, and a starved JVM then fell
        // behind its own offered load. Sampled detection still reports leaks here; the simulated counterpart runs the
        // same server code under PARANOID.
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
        try {
            run(transport);
        } finally {
            ResourceLeakDetector.setLevel(level);
        }
    }

    private void run(String transport) throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ListenerRegistry listeners = new ListenerRegistry();
        SchedulerAccounting accounting = SchedulerAccounting.start();
        listeners.listen(NameListener.of(SERVER, session -> {
            accounting.watchCurrentLoop(); // the handler starts on the session's loop
            return session.inbound();
        }));
        TestNetwork network = TestNetwork.of(transport, SIM_LINK);
        Load load = LOAD;
        NetbiosServer server = network.start(listeners, meters, b -> b
                .writeStallTimeout(WRITE_STALL)
                .keepAliveInterval(Duration.ZERO)
                // 32 queued messages per session: a stalled session's queue fills before its stall is declared
                .sessionLimits(new SessionLimits(64, 256 * 1024, 32, 128 * 1024, 384 * 1024, OverflowPolicy.DROP_NEWEST))
                .sendBufferSize(8 * 1024)); // small kernel buffers make a non-reading peer stall within a second
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        AtomicBoolean running = new AtomicBoolean(true);
        Healthy healthy = new Healthy();
        try {
            InetSocketAddress address = server.localAddress();
            for (int i = 0; i < load.healthy(); i++) {
                RawNbssClient client = network.connect(address);
                assertThat(client.requestSession(SERVER, NetbiosName.of("HEALTHY" + i, 0))).isEqualTo(0x82);
                threads.submit(() -> healthy.run(client, running));
            }
            Broadcaster broadcaster = new Broadcaster(server);
            threads.submit(() -> broadcaster.run(running));

            // Rehearsal: the same failure once before measuring, so JIT compilation and class loading of the
            // failure paths (connects, drops, stalls, aborts) are not counted against the failure phases.
            List<RawNbssClient> vanished = new ArrayList<>(); // one of each failure's vanished clients, on the sim link
            List<RawNbssClient> failing = new ArrayList<>(startFailingClients(network, address, load, "R", threads, vanished));
            assertThat(awaitFailingGone(server, System.nanoTime(), accounting).tornDownAfterNanos).as("rehearsal torn down").isPositive();
            Thread.sleep(WARM_UP.toMillis());

            // Rounds of phase A (the same load, no failing clients) then phase B (20 stop reading, 20 vanish), so
            // that load from outside the test (other builds on the machine) falls on both phases alike.
            List<long[]> baselineSamples = new ArrayList<>();
            List<long[]> failureSamples = new ArrayList<>();
            List<FailureWindow> windows = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                healthy.recordInto(new ConcurrentLinkedQueue<>());
                Thread.sleep(PHASE.toMillis());
                List<long[]> phaseA = healthy.recordInto(new ConcurrentLinkedQueue<>());
                baselineSamples.addAll(phaseA);
                failing.addAll(startFailingClients(network, address, load, "B" + round, threads, vanished));
                windows.add(awaitFailingGone(server, System.nanoTime(), accounting));
                Thread.sleep(500); // healthy traffic right after the tear-down belongs to the failure too
                failureSamples.addAll(healthy.recordInto(new ConcurrentLinkedQueue<>()));
            }
            running.set(false);

            List<Long> baseline = latencies(baselineSamples);
            List<Long> duringFailure = latencies(failureSamples);
            IsolationBench.record(network.toString(), transport, baseline, duringFailure);
            log.info("{}: healthy echo p50/p99/max without failing clients {}/{}/{} us ({} samples), with {}/{}/{} us ({} samples); "
                    + "failure windows {}; slowest server send {} us", network, percentile(baseline, 0.5) / 1000,
                    percentile(baseline, 0.99) / 1000, percentile(baseline, 1.0) / 1000, baseline.size(),
                    percentile(duringFailure, 0.5) / 1000, percentile(duringFailure, 0.99) / 1000,
                    percentile(duringFailure, 1.0) / 1000, duringFailure.size(), windows, broadcaster.slowestNanos.get() / 1000);
            log.info("{}: longest server event loop block {}; longest pass of work {}", network, accounting.longestHeartbeatGap(),
                    accounting.longestLoopBusy());

            // Wall-clock criteria are functional only, with bounds no busy machine crosses but a real stall does: a
            // session that held others up would hold them for its 2 s stall timeout (the NT 4.0 failure: minutes).
            // How the percentiles compare is a benchmark figure (bin/bench isolation); the exact comparison runs in
            // virtual time (Q186873SimulationTest).
            // First what the loops did: a held loop is the cause, the healthy sessions' errors and delays its effect.
            assertThat(accounting.watchedLoops()).as("server event loops watched").isPositive();
            SchedulerAccounting.HeartbeatGap block = accounting.longestHeartbeatGap();
            assertThat(Duration.ofNanos(block.blockedNanos())).as("longest a server event loop slept or blocked with work due: " + block)
                    .isLessThan(LOOP_BLOCK_BOUND);
            SchedulerAccounting.HeartbeatGap busiest = accounting.longestLoopBusy();
            assertThat(Duration.ofNanos(busiest.cpuNanos())).as("longest pass of work of a server event loop: " + busiest)
                    .isLessThan(LOOP_BLOCK_BOUND);
            assertThat(healthy.errors).as("errors seen by healthy clients").isEmpty();
            // at least one round trip per healthy session and phase, however starved the clients were
            assertThat(baseline.size()).as("baseline samples").isGreaterThan(load.healthy() * ROUNDS);
            assertThat(duringFailure.size()).as("samples during the failures").isGreaterThan(load.healthy() * ROUNDS);
            assertThat(slowestUnstarved(accounting, failureSamples)).as("slowest healthy round trip during the failures, less CPU starvation")
                    .isLessThan(HEALTHY_BOUND);
            assertThat(slowestUnstarved(accounting, baselineSamples)).as("slowest healthy round trip without failing clients, less CPU starvation")
                    .isLessThan(HEALTHY_BOUND);
            for (FailureWindow window : windows) {
                assertThat(window.tornDownAfterNanos).as("all failing sessions torn down within " + TEARDOWN_GIVE_UP).isPositive();
                assertThat(unstarved(accounting, window.startNanos, window.startNanos + window.tornDownAfterNanos))
                        .as("failing sessions torn down within " + TEARDOWN_BOUND + " less CPU starvation: " + window)
                        .isLessThanOrEqualTo(TEARDOWN_BOUND.toNanos());
                assertThat(window.sawStalledSession).as("status showed the stalled sessions while they failed").isTrue();
                // A status query or send that waited for a stalled peer would take the 2 s stall timeout or more;
                // 1 s leaves room for the OS not running the test thread on a busy 2-core machine.
                assertThat(Duration.ofNanos(window.slowestStatusNanos)).as("slowest status query").isLessThan(Duration.ofSeconds(1));
            }
            assertThat(Duration.ofNanos(broadcaster.slowestUnstarved(accounting))).as("slowest server-initiated send, less CPU starvation")
                    .isLessThan(Duration.ofSeconds(1));
            int failed = (ROUNDS + 1) * load.failing();
            assertThat(meters.find("netbios.sessions.stalled").counter().count()).isEqualTo(failed);
            assertThat(meters.find("netbios.sessions.closed").tag("reason", "write_stall").counter().count()).isEqualTo(failed);
            assertThat(meters.find("netbios.messages.dropped").tag("reason", "queue_full").counter().count()).isPositive();
            assertThat(server.sessions()).hasSize(load.healthy())
                    .allSatisfy(s -> assertThat(s.state()).isEqualTo(SessionState.ESTABLISHED));
            for (RawNbssClient client : vanished) {
                // Its session was aborted with a reset long ago; a host that really vanished never hears of it.
                assertThat(client.closedByPeerWithin(Duration.ofMillis(200))).as("the server's reset reached a vanished client").isFalse();
            }
            for (RawNbssClient client : failing) {
                client.close();
            }
        } finally {
            running.set(false);
            accounting.close();
            threads.shutdownNow();
            threads.awaitTermination(10, TimeUnit.SECONDS);
            healthy.closeAll();
            server.close();
            network.close();
        }
    }

    /**
     * Connects clients that stop reading (and keep sending) and clients that vanish: blackholed on the sim link once
     * all have their sessions, or on loopback frozen sockets. Returns them to be closed at the end.
     */
    private static List<RawNbssClient> startFailingClients(TestNetwork network, InetSocketAddress address, Load load, String prefix,
            ExecutorService threads, List<RawNbssClient> vanished) throws IOException {
        List<RawNbssClient> failing = new ArrayList<>();
        for (int i = 0; i < load.stopReading(); i++) {
            RawNbssClient client = network.connectWithWindow(address, 4096);
            assertThat(client.requestSession(SERVER, NetbiosName.of(prefix + "STOPREAD" + i, 0))).isEqualTo(0x82);
            failing.add(client);
            threads.submit(() -> sendWithoutReading(client));
        }
        TestNetwork.VanishingHost host = network.canVanish() ? network.vanishingHost() : null;
        for (int i = 0; i < load.vanishing(); i++) {
            RawNbssClient client = host != null ? host.connectWithWindow(address, 4096) : network.connectWithWindow(address, 4096);
            assertThat(client.requestSession(SERVER, NetbiosName.of(prefix + (host != null ? "VANISHED" : "FROZEN") + i, 0)))
                    .isEqualTo(0x82);
            failing.add(client); // from now on: never read, never write, never close
        }
        if (host != null) {
            host.vanish();
            vanished.add(failing.get(load.stopReading()));
        }
        return failing;
    }

    /** What one failure looked like from the status view, which is polled every 50 ms meanwhile. */
    private record FailureWindow(long startNanos, long tornDownAfterNanos, boolean sawStalledSession, long slowestStatusNanos) {
        @Override
        public String toString() {
            return "gone after " + tornDownAfterNanos / 1_000_000 + " ms, slowest status beyond CPU starvation " + slowestStatusNanos / 1000 + " us";
        }
    }

    private static FailureWindow awaitFailingGone(NetbiosServer server, long failureStart, SchedulerAccounting accounting)
            throws InterruptedException {
        long slowestStatusNanos = 0;
        boolean sawStalledSession = false;
        while (System.nanoTime() - failureStart < TEARDOWN_GIVE_UP.toNanos()) {
            long t0 = System.nanoTime();
            List<SessionStatus> status = server.sessions();
            long t1 = System.nanoTime();
            if (t1 - t0 > Duration.ofMillis(100).toNanos()) { // rare; excused only by starvation in that very interval
                Thread.sleep(40); // the accounting's next samples
                slowestStatusNanos = Math.max(slowestStatusNanos, unstarved(accounting, t0, t1));
            }
            List<SessionStatus> failing = status.stream().filter(s -> !s.callingName().name().startsWith("HEALTHY")).toList();
            sawStalledSession |= failing.stream().anyMatch(s -> s.outboundMessages() > 0 && s.sinceOutboundProgress().toMillis() > 500);
            if (failing.isEmpty()) {
                return new FailureWindow(failureStart, System.nanoTime() - failureStart, sawStalledSession, slowestStatusNanos);
            }
            Thread.sleep(50);
        }
        return new FailureWindow(failureStart, -1, sawStalledSession, slowestStatusNanos);
    }

    /** Healthy clients: one echo every 100 ms each, latency recorded; broadcasts read and checked on the way. */
    private static final class Healthy {
        final List<String> errors = new CopyOnWriteArrayList<>();
        final List<RawNbssClient> clients = new CopyOnWriteArrayList<>();
        final AtomicReference<ConcurrentLinkedQueue<long[]>> samples = new AtomicReference<>(new ConcurrentLinkedQueue<>());

        List<long[]> recordInto(ConcurrentLinkedQueue<long[]> next) {
            return new ArrayList<>(samples.getAndSet(next));
        }

        void run(RawNbssClient client, AtomicBoolean running) {
            clients.add(client);
            long period = ECHO_PERIOD.toNanos();
            long next = System.nanoTime() + ThreadLocalRandom.current().nextLong(period);
            long seq = 0;
            try {
                while (running.get()) {
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(Duration.ofNanos(wait));
                    }
                    next += period;
                    byte[] request = ByteBuffer.allocate(17).put((byte) 'E').putLong(++seq).putLong(System.nanoTime()).array();
                    long sent = System.nanoTime();
                    client.sendMessage(request);
                    while (true) {
                        RawNbssClient.Frame frame = client.readSkippingKeepAlives();
                        if (frame.type() != 0 || frame.body().length == 0) {
                            throw new IOException("unexpected packet type " + frame.type());
                        }
                        if (frame.body()[0] == 'B') {
                            if (frame.body().length != BROADCAST_SIZE) {
                                throw new IOException("broadcast of " + frame.body().length + " octets");
                            }
                            continue;
                        }
                        if (ByteBuffer.wrap(frame.body(), 1, 8).getLong() != seq) {
                            throw new IOException("echo out of order");
                        }
                        samples.get().add(new long[] {sent, System.nanoTime() - sent});
                        break;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                if (running.get()) {
                    errors.add(e.toString());
                }
            }
        }

        void closeAll() throws IOException {
            for (RawNbssClient client : clients) {
                client.close();
            }
        }
    }

    /** The server pushes one message to every session of the name, as a server-initiated send. */
    private static final class Broadcaster {
        final NetbiosServer server;
        final AtomicLong slowestNanos = new AtomicLong();
        /** {start, duration} of every send that took over 100 ms, to be excused only by starvation in that interval. */
        final List<long[]> slowSends = new CopyOnWriteArrayList<>();

        Broadcaster(NetbiosServer server) {
            this.server = server;
        }

        long slowestUnstarved(SchedulerAccounting accounting) {
            return slowSends.stream().mapToLong(s -> unstarved(accounting, s[0], s[0] + s[1])).max().orElse(0);
        }

        void run(AtomicBoolean running) {
            byte[] payload = new byte[BROADCAST_SIZE];
            payload[0] = 'B';
            try {
                while (running.get()) {
                    long t0 = System.nanoTime();
                    server.sendToAll(SERVER, Unpooled.wrappedBuffer(payload));
                    long took = System.nanoTime() - t0;
                    slowestNanos.accumulateAndGet(took, Math::max);
                    if (took > Duration.ofMillis(100).toNanos()) {
                        slowSends.add(new long[] {t0, took});
                    }
                    Thread.sleep(BROADCAST_PERIOD);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A client that asks for 64 KiB of echoes and never reads them. It sends in one burst and then waits, so
     * simulating it costs the machine (and the healthy clients' latency) next to nothing.
     */
    private static void sendWithoutReading(RawNbssClient client) {
        byte[] request = new byte[4096];
        request[0] = 'E';
        try {
            for (int i = 0; i < 16; i++) {
                client.sendMessage(request); // may block once the server stops reading this session: that is the point
            }
        } catch (IOException e) {
            // reset by the server's abort
        }
    }

    /** How long {@code from..to} took beyond the longest run-queue wait of any thread of the JVM meanwhile. */
    private static long unstarved(SchedulerAccounting accounting, long from, long to) {
        return Math.max(0, to - from - accounting.maxRunQueueWaitNanos(from, to));
    }

    /** The slowest of {@code {sent, nanos}} samples once each is reduced by the CPU starvation during it. */
    private static Duration slowestUnstarved(SchedulerAccounting accounting, List<long[]> samples) {
        long slowest = 0;
        for (long[] sample : samples) {
            if (sample[1] >= HEALTHY_BOUND.toNanos() / 2) { // the rest are within the bound already
                slowest = Math.max(slowest, unstarved(accounting, sample[0], sample[0] + sample[1]));
            }
        }
        return Duration.ofNanos(slowest);
    }

    private static List<Long> latencies(List<long[]> samples) {
        List<Long> all = new ArrayList<>(samples.size());
        for (long[] sample : samples) {
            all.add(sample[1]);
        }
        return all;
    }

    private static long percentile(List<Long> values, double p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1));
    }
}
