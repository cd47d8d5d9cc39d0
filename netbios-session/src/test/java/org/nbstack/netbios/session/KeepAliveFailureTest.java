package org.nbstack.netbios.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nbstack.netbios.testing.TestServers.count;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nbstack.netbios.name.NetbiosName;
import org.nbstack.netbios.server.NameListener;
import org.nbstack.netbios.server.ListenerRegistry;
import org.nbstack.netbios.server.NetbiosServer;
import org.nbstack.netbios.server.NetbiosServerSettings;
import org.nbstack.netbios.testing.RawNbssClient;
import org.nbstack.netbios.testing.TestNetwork;
import org.nbstack.netbios.testing.TestServers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server sends a KEEP ALIVE after the keep-alive interval without sending; a client that has vanished must be
 * found because that KEEP ALIVE cannot be written, and its session aborted within the configured bounds.
 *
 * <p>On loopback the kernel answers for a vanished process, so a vanished client here is a frozen socket whose
 * receive window the server has filled: it neither reads, writes nor closes. An idle frozen socket would take
 * thousands of 4-octet KEEP ALIVEs before its window closed, so the server first sends it more data than the
 * kernel buffers on both sides hold; from then on TCP takes nothing, the KEEP ALIVE included. A client that is
 * idle but reads stays established throughout, receiving KEEP ALIVEs.
 *
 * <p>On the {@code engine} transport the client really vanishes: it connects from a host address of its own on a
 * {@code sim} link, which then blackholes that address, so the server's data is never acknowledged. The same
 * amount of data then fills the server's send buffer and the KEEP ALIVE waits behind it, within the same bounds.
 */
class KeepAliveFailureTest {

    private static final Logger log = LoggerFactory.getLogger(KeepAliveFailureTest.class);
    private static final NetbiosName SERVER = NetbiosName.server("KEEPER");
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(1);
    /** The session timers run every quarter of the shortest timeout. */
    private static final Duration TICK = KEEP_ALIVE.dividedBy(4);
    /** 64 messages of 4 KiB: far more than an 8 KiB send buffer and a 4 KiB receive buffer hold. */
    private static final int FILL_MESSAGES = 64;
    private static final int FILL_SIZE = 4096;

    /** One-way delay only: the bounds below are about the server's timers, not about lost packets. */
    private static final String SIM_LINK = "sim://?delay=1ms&seed=1";

    static Stream<String> transports() {
        return Stream.concat(TestServers.kernelTransports(), Stream.of("engine"));
    }

    /** With the write-stall timeout off, the unwritten KEEP ALIVE alone finds the vanished client. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void aVanishedClientIsAbortedWhenItsKeepAliveCannotBeWritten(String transport) throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Duration detected;
        try (TestNetwork network = TestNetwork.of(transport, SIM_LINK);
                Scenario scenario = new Scenario(network, meters, b -> b.writeStallTimeout(Duration.ZERO))) {
            detected = scenario.timeToAbortAfterStall();
            // Data stuck at t; the KEEP ALIVE due at t + interval is queued on the next tick; one interval later it
            // has still not been taken, found on the next tick: 2 intervals, plus up to 2 ticks. The exact instant is
            // VanishedClientSimulationTest's (virtual time); here only a generous bound that a busy machine cannot
            // cross but a KEEP ALIVE that never fails would: 3 s more.
            assertThat(detected).as("abort after the client stopped taking data")
                    .isBetween(KEEP_ALIVE.multipliedBy(2).minus(TICK), KEEP_ALIVE.multipliedBy(2).plus(TICK.multipliedBy(2)).plusSeconds(3));
            scenario.assertIdleReaderKept(meters);
        }
        log.info("{}: vanished client aborted {} ms after its data stopped moving", transport, detected.toMillis());
        assertThat(count(meters, "netbios.sessions.closed", "reason", "keepalive_failed")).isEqualTo(1);
        assertThat(count(meters, "netbios.sessions.closed", "reason", "write_stall")).isZero();
        assertThat(count(meters, "netbios.sessions.stalled")).isZero();
    }

    /** With a write-stall timeout shorter than the keep-alive interval, the stall detector finds it first and counts it. */
    @Test
    void aShorterWriteStallTimeoutFindsTheVanishedClientFirst() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Duration writeStall = Duration.ofMillis(600);
        try (TestNetwork network = TestNetwork.kernel("nio");
                Scenario scenario = new Scenario(network, meters, b -> b.writeStallTimeout(writeStall))) {
            Duration detected = scenario.timeToAbortAfterStall();
            // The tick is a quarter of the shorter timeout, 150 ms; 3 s more for a busy machine, still before the
            // KEEP ALIVE (2 s) could have found it.
            assertThat(detected).isBetween(writeStall.minusMillis(150), writeStall.plusMillis(300).plusSeconds(3));
            scenario.assertIdleReaderKept(meters);
        }
        assertThat(count(meters, "netbios.sessions.stalled")).isEqualTo(1);
        assertThat(count(meters, "netbios.sessions.closed", "reason", "write_stall")).isEqualTo(1);
        assertThat(count(meters, "netbios.sessions.closed", "reason", "keepalive_failed")).isZero();
    }

    /** A server with one idle client that reads and one that vanishes (blackholed on a sim link, else frozen). */
    private static final class Scenario implements AutoCloseable {
        final NetbiosServer server;
        final RawNbssClient idleReader;
        final RawNbssClient frozen;
        /** Whether the frozen client is blackholed: then the server's reset cannot reach it either. */
        final boolean blackholed;
        final AtomicInteger keepAlivesRead = new AtomicInteger();
        final ExecutorService reader = Executors.newVirtualThreadPerTaskExecutor();

        Scenario(TestNetwork network, SimpleMeterRegistry meters, UnaryOperator<NetbiosServerSettings.Builder> timeouts)
                throws IOException {
            ListenerRegistry listeners = new ListenerRegistry();
            listeners.listen(NameListener.of(SERVER, session -> session.inbound()));
            server = network.start(listeners, meters, b -> timeouts.apply(b.keepAliveInterval(KEEP_ALIVE).sendBufferSize(8 * 1024)));
            InetSocketAddress address = server.localAddress();
            idleReader = network.connect(address);
            assertThat(idleReader.requestSession(SERVER, NetbiosName.of("READER", 0))).isEqualTo(0x82);
            reader.submit(this::readKeepAlives);
            blackholed = network.canVanish();
            TestNetwork.VanishingHost host = blackholed ? network.vanishingHost() : null;
            frozen = blackholed ? host.connectWithWindow(address, 4096) : network.connectWithWindow(address, 4096);
            assertThat(frozen.requestSession(SERVER, NetbiosName.of("FROZEN", 0))).isEqualTo(0x82);
            if (blackholed) {
                host.vanish();
            }
        }

        /** Fills the frozen client's window, then measures from the moment its data stopped moving to its abort. */
        Duration timeToAbortAfterStall() throws InterruptedException {
            long id = statusOf("FROZEN").orElseThrow().id();
            for (int i = 0; i < FILL_MESSAGES; i++) {
                assertThat(server.send(id, Unpooled.wrappedBuffer(new byte[FILL_SIZE]))).isEqualTo(SendResult.QUEUED);
            }
            long stalledAt = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
                Optional<SessionStatus> status = statusOf("FROZEN");
                long now = System.nanoTime();
                if (status.isEmpty()) {
                    assertThat(stalledAt).as("the frozen session was seen holding data before its abort").isPositive();
                    return Duration.ofNanos(now - stalledAt);
                }
                if (stalledAt == 0 && status.get().outboundMessages() > 0 && status.get().sinceOutboundProgress().toMillis() > 100) {
                    stalledAt = now - status.get().sinceOutboundProgress().toNanos();
                }
                Thread.sleep(10);
            }
            throw new AssertionError("the frozen client's session was not aborted within 10 s: " + statusOf("FROZEN"));
        }

        void assertIdleReaderKept(SimpleMeterRegistry meters) throws IOException, InterruptedException {
            if (blackholed) {
                assertThat(frozen.closedByPeerWithin(Duration.ofMillis(500))).as("the blackholed client hears nothing, no reset").isFalse();
            } else {
                assertThat(frozen.closedByPeerWithin(Duration.ofSeconds(2))).as("the frozen client sees the reset").isTrue();
            }
            long deadline = System.nanoTime() + KEEP_ALIVE.multipliedBy(4).toNanos();
            while (keepAlivesRead.get() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(keepAlivesRead.get()).as("KEEP ALIVEs the idle client read").isGreaterThanOrEqualTo(2);
            assertThat(statusOf("READER")).as("the idle client that reads stays").isPresent();
            assertThat(count(meters, "netbios.keepalives.sent")).isGreaterThanOrEqualTo(keepAlivesRead.get());
            assertThat(meters.find("netbios.session.queue.bytes").tag("direction", "outbound").gauge().value())
                    .as("the frozen session's queued data released").isZero();
        }

        private Optional<SessionStatus> statusOf(String caller) {
            return server.sessions().stream().filter(s -> s.callingName().name().equals(caller)).findFirst();
        }

        private void readKeepAlives() {
            try {
                while (idleReader.read().type() == 0x85) {
                    keepAlivesRead.incrementAndGet();
                }
            } catch (IOException e) {
                // closed at the end of the test
            }
        }

        @Override
        public void close() throws IOException, InterruptedException {
            idleReader.close();
            frozen.close();
            reader.shutdownNow();
            reader.awaitTermination(5, TimeUnit.SECONDS);
            server.close();
        }
    }
}
