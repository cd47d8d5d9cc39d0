package org.nbstack.tcp.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nbstack.tcp.scenario.TwoHosts.MS;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.core.TcpConnection;
import org.nbstack.tcp.core.TcpState;
import org.nbstack.tcp.link.LinkFaults;
import org.nbstack.tcp.sim.SimNode;
import org.nbstack.tcp.sim.SimPacketOutput;
import org.nbstack.tcp.sim.SimPackets;
import org.nbstack.tcp.sim.SimWorld;
import org.nbstack.tcp.stack.StackConfig;
import org.nbstack.tcp.stack.StackMetrics;
import org.nbstack.tcp.wire.Ipv4;
import org.nbstack.tcp.wire.PacketCodec;
import org.nbstack.tcp.wire.TcpFlags;
import org.nbstack.tcp.wire.TcpOptions;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * Seed 004 (Q186873) inside TCP: one connection must not starve the others of its shard's memory. The server's
 * shard has a 1 MiB limit; one peer fills it with out-of-order data behind a hole it never fills (or, on the send
 * side, never reads a big response), while 50 (20) healthy connections on the same shard exchange requests and
 * responses and bulk data. Every healthy transfer completes within a bound derived from the guaranteed minimum
 * send memory alone (virtual time, exact): each {@code MIN_SEND} bytes of a response take at most one round trip
 * plus two delayed ACKs (one for the last full segment, one for the Nagle-held tail), and each request one round
 * trip. The hoarder's out-of-order queue is pruned and counted, and the shard never holds more than its limit.
 */
class Q186873ShardMemoryFairShareTest {
    private static final int KIB = 1024;
    private static final long LIMIT = 1 << 20;
    private static final long ONE_WAY = MS;
    private static final long RTT = 2 * ONE_WAY;
    private static final long DELAYED_ACK = 40 * MS;
    private static final int MIN_SEND = StackConfig.DEFAULT_MIN_MEMORY;
    /** The server answers every request byte with this many response bytes. */
    private static final int RESPONSE_FACTOR = 16;
    private static final int REQUEST = KIB;
    private static final int ROUNDS = 10;
    private static final int BULK_REQUEST = 16 * KIB;
    private static final int ABUSER_ADDR = Ipv4.parse("10.0.0.66");
    private static final int ABUSER_PORT = 40000;

    /** Worst case for {@code rounds} requests each answered by {@code response} bytes at MIN_SEND per step. */
    private static long bound(int rounds, long response) {
        long steps = (response + MIN_SEND - 1) / MIN_SEND;
        return rounds * (RTT + steps * (RTT + 2 * DELAYED_ACK));
    }

    @Test
    void anOutOfOrderHoarderIsPrunedAndFiftyHealthyConnectionsComplete() {
        try (TwoHosts h = hosts(186873)) {
            listenAnswering(h);
            List<Endpoint> healthy = connectHealthy(h, 50);
            OutOfOrderHoarder hoarder = h.world.addNode("hoarder", out -> new OutOfOrderHoarder(out, h.alloc, h.world),
                    ABUSER_ADDR);
            hoarder.start();
            h.world.runFor(300 * MS); // three rounds of out-of-order data: the shard's memory is under pressure
            TcpConnection held = serverSide(h, ABUSER_ADDR).conn.connection();
            assertThat(held.state()).isEqualTo(TcpState.ESTABLISHED);
            assertThat(held.outOfOrderBytes()).as("the hoarder's data is held").isPositive();
            long pressurePoint = (LIMIT - 51L * 2 * MIN_SEND) / 4 * 3; // 51 reserves of 16 KiB out of the limit
            assertThat(h.server.resources().memory().sharedUsed()).as("filled to the pressure point, within a segment")
                    .isBetween(pressurePoint - 2 * KIB, pressurePoint);

            MemoryWatch watch = new MemoryWatch(h);
            long start = h.world.now();
            long[] doneAt = startWorkload(h, healthy);
            long limit = Math.max(bound(ROUNDS, (long) REQUEST * RESPONSE_FACTOR), bound(1, (long) BULK_REQUEST * RESPONSE_FACTOR));
            h.run(() -> allDone(doneAt), limit);
            assertCompletedWithinBounds(h, healthy, doneAt, start);
            assertThat(h.server.tcpCounters().outOfOrderPruned).as("the hoarder's queue was pruned").isPositive();
            assertThat(h.server.tcpCounters().outOfOrderPrunedBytes).isPositive();
            assertThat(h.server.tcpCounters().outOfOrderMemoryDrops).as("and refused while above its share").isPositive();
            assertThat(held.state()).as("pruning drops data, not the connection").isEqualTo(TcpState.ESTABLISHED);
            assertThat(watch.maxUsed).as("the shard never held more than its limit").isLessThanOrEqualTo(LIMIT);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            new StackMetrics(() -> List.of(h.server)).bindTo(registry);
            assertThat(registry.get("tcp.out.of.order.pruned").functionCounter().count()).as("visible to operators")
                    .isEqualTo(h.server.tcpCounters().outOfOrderPruned);
            assertThat(registry.get("tcp.memory.reserved").gauge().value()).as("51 reserves of 16 KiB")
                    .isEqualTo(51.0 * 2 * MIN_SEND);
            hoarder.stop();
        }
    }

    @Test
    void aPeerThatNeverReadsABigResponseDoesNotStallTheOthersWrites() {
        try (TwoHosts h = hosts(186874)) {
            listenAnswering(h);
            Endpoint stuck = h.connect(h.newEndpoint("stuck"));
            List<Endpoint> healthy = connectHealthy(h, 20);
            stuck.paused = true; // never reads: its window closes and the server's response stays queued
            stuck.toSend = 256 * KIB; // asks for 4 MiB
            stuck.pump();
            h.world.runFor(500 * MS);
            TcpConnection blocked = serverSide(h, TwoHosts.CLIENT_ADDR, stuck).conn.connection();
            assertThat(blocked.sendQueueBytes()).as("the stuck response fills its share").isGreaterThan(256 * KIB);
            assertThat(blocked.sendSpace()).as("over its fair share under pressure: no more").isZero();

            MemoryWatch watch = new MemoryWatch(h);
            long start = h.world.now();
            long[] doneAt = new long[healthy.size()];
            java.util.Arrays.fill(doneAt, -1);
            for (int i = 0; i < healthy.size(); i++) {
                startBulk(h, healthy.get(i), doneAt, i);
            }
            long limit = bound(1, (long) BULK_REQUEST * RESPONSE_FACTOR);
            h.run(() -> allDone(doneAt), limit);
            assertCompletedWithinBounds(h, healthy, doneAt, start);
            assertThat(blocked.state()).isEqualTo(TcpState.ESTABLISHED);
            assertThat(blocked.sendSpace()).as("the stuck connection's writer still waits").isZero();
            assertThat(watch.maxUsed).as("the shard never held more than its limit").isLessThanOrEqualTo(LIMIT);
        }
    }

    /**
     * RFC 2018 §8 reneging end to end: lossy uploads into a shard under pressure get their out-of-order queues
     * pruned, SACKed data included; the pruned receiver stops reporting it and the sender (this engine) notices
     * when the ACK stops at the formerly SACKed data and sends it again. Every stream arrives byte-exact.
     */
    @Test
    void prunedSackedDataIsSentAgainAndEveryUploadArrivesByteExact() {
        StackConfig server = StackConfig.builder(TwoHosts.SERVER_ADDR).memoryLimit(512 * KIB).build();
        try (TwoHosts h = new TwoHosts(186875, StackConfig.of(TwoHosts.CLIENT_ADDR), server,
                LinkFaults.PERFECT.withDelay(ONE_WAY, 0).withLoss(0.02))) {
            h.listen(() -> {
                Endpoint e = h.newEndpoint("server");
                e.closeOnPeerFin = true;
                return e;
            });
            List<Endpoint> uploads = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Endpoint c = h.newEndpoint("upload" + i).sending(1 << 20);
                c.closeWhenSent = true;
                uploads.add(h.connect(c));
            }
            boolean done = h.run(() -> uploads.stream().allMatch(c -> c.closedReason != null)
                    && h.accepted.size() == uploads.size() && h.accepted.stream().allMatch(e -> e.peerFin), 600 * TwoHosts.SEC);
            assertThat(done).as(h.describe()).isTrue();
            for (Endpoint c : uploads) {
                assertThat(c.closedReason).as(c.toString()).isEqualTo(org.nbstack.tcp.core.CloseReason.NORMAL);
                int port = c.conn.connection().id().localPort();
                Endpoint s = h.accepted.stream().filter(e -> e.conn.connection().id().remotePort() == port).findFirst()
                        .orElseThrow();
                assertThat(s.receivedExactly(c)).as("%s byte-exact", c).isTrue();
            }
            assertThat(h.server.tcpCounters().outOfOrderPruned).as("queues were pruned under pressure").isPositive();
        }
    }

    private static TwoHosts hosts(long seed) {
        StackConfig server = StackConfig.builder(TwoHosts.SERVER_ADDR).memoryLimit(LIMIT).build();
        return new TwoHosts(seed, StackConfig.of(TwoHosts.CLIENT_ADDR), server, LinkFaults.PERFECT.withDelay(ONE_WAY, 0));
    }

    /** Every server session answers each request byte with RESPONSE_FACTOR bytes, as its send space allows. */
    private static void listenAnswering(TwoHosts h) {
        h.listen(() -> {
            Endpoint e = h.newEndpoint("server");
            e.onReceived = total -> {
                e.toSend = total * RESPONSE_FACTOR;
                e.pump();
            };
            return e;
        });
    }

    private static List<Endpoint> connectHealthy(TwoHosts h, int count) {
        List<Endpoint> clients = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            clients.add(h.connect(h.newEndpoint("healthy" + i)));
        }
        assertThat(h.run(() -> clients.stream().allMatch(c -> c.state() == TcpState.ESTABLISHED), 100 * MS)).isTrue();
        return clients;
    }

    /** Half the connections do ROUNDS request/response exchanges, half one bulk request. */
    private static long[] startWorkload(TwoHosts h, List<Endpoint> clients) {
        long[] doneAt = new long[clients.size()];
        java.util.Arrays.fill(doneAt, -1);
        for (int i = 0; i < clients.size(); i++) {
            if (i % 2 == 0) {
                startRequestResponse(h, clients.get(i), doneAt, i);
            } else {
                startBulk(h, clients.get(i), doneAt, i);
            }
        }
        return doneAt;
    }

    private static void startRequestResponse(TwoHosts h, Endpoint c, long[] doneAt, int index) {
        long response = (long) REQUEST * RESPONSE_FACTOR;
        c.onReceived = total -> {
            if (total == ROUNDS * response) {
                doneAt[index] = h.world.now();
            } else if (total % response == 0) {
                c.toSend += REQUEST;
                c.pump();
            }
        };
        c.toSend = REQUEST;
        c.pump();
    }

    private static void startBulk(TwoHosts h, Endpoint c, long[] doneAt, int index) {
        long response = (long) BULK_REQUEST * RESPONSE_FACTOR;
        c.onReceived = total -> {
            if (total == response) {
                doneAt[index] = h.world.now();
            }
        };
        c.toSend = BULK_REQUEST;
        c.pump();
    }

    private static boolean allDone(long[] doneAt) {
        for (long t : doneAt) {
            if (t < 0) {
                return false;
            }
        }
        return true;
    }

    private static void assertCompletedWithinBounds(TwoHosts h, List<Endpoint> clients, long[] doneAt, long start) {
        for (int i = 0; i < clients.size(); i++) {
            boolean bulk = clients.get(i).toSend == BULK_REQUEST; // request/response clients end at ROUNDS requests
            long bound = bulk ? bound(1, (long) BULK_REQUEST * RESPONSE_FACTOR)
                    : bound(ROUNDS, (long) REQUEST * RESPONSE_FACTOR);
            assertThat(doneAt[i]).as("%s completed (%s)%n%s", clients.get(i), bulk ? "bulk" : "request/response",
                    h.describe()).isNotNegative();
            assertThat(doneAt[i] - start).as("%s within %d ms", clients.get(i), bound / MS).isLessThanOrEqualTo(bound);
        }
    }

    private static Endpoint serverSide(TwoHosts h, int remoteAddr) {
        return h.accepted.stream().filter(e -> e.conn.connection().id().remoteAddr() == remoteAddr).findFirst()
                .orElseThrow();
    }

    private static Endpoint serverSide(TwoHosts h, int remoteAddr, Endpoint client) {
        int port = client.conn.connection().id().localPort();
        return h.accepted.stream().filter(e -> e.conn.connection().id().remoteAddr() == remoteAddr
                && e.conn.connection().id().remotePort() == port).findFirst().orElseThrow();
    }

    /** Samples the server shard's memory every millisecond of virtual time. */
    private static final class MemoryWatch implements Runnable {
        private final TwoHosts h;
        long maxUsed;

        MemoryWatch(TwoHosts h) {
            this.h = h;
            run();
        }

        @Override
        public void run() {
            maxUsed = Math.max(maxUsed, h.server.resources().bufferedBytes());
            h.world.scheduleAfter(MS, this);
        }
    }

    /**
     * An abusive peer: completes a handshake, then every 100 ms sends a full window (1 MiB) of data behind the
     * first byte, which it never sends, so the server can only hold it out of order. It reads nothing.
     */
    static final class OutOfOrderHoarder implements SimNode {
        private static final int ISS = 1_000_000;
        private static final int WINDOW = 1 << 20;
        private static final int MSS = 1460;
        private final SimPacketOutput out;
        private final ByteBufAllocator alloc;
        private final SimWorld world;
        private int serverIsn;
        private boolean established;
        private boolean stopped;

        OutOfOrderHoarder(SimPacketOutput out, ByteBufAllocator alloc, SimWorld world) {
            this.out = out;
            this.alloc = alloc;
            this.world = world;
        }

        void start() {
            send(ISS, 0, TcpFlags.SYN, new TcpOptions(MSS, 7, true, false, 0, 0, new int[0]), null);
        }

        void stop() {
            stopped = true;
        }

        private void flood() {
            if (stopped) {
                return;
            }
            for (int offset = 1; offset < WINDOW; offset += MSS) {
                int len = Math.min(MSS, WINDOW - offset);
                send(ISS + 1 + offset, serverIsn + 1, TcpFlags.ACK, TcpOptions.NONE, alloc.heapBuffer(len).writeZero(len));
            }
            world.scheduleAfter(100 * MS, this::flood);
        }

        private void send(int seq, int ack, int flags, TcpOptions options, ByteBuf payload) {
            TcpSegment seg = new TcpSegment(ABUSER_ADDR, TwoHosts.SERVER_ADDR, ABUSER_PORT, TwoHosts.PORT, seq, ack, flags,
                    65535, options, payload);
            try {
                out.send(PacketCodec.encode(seg, alloc));
            } finally {
                seg.release();
            }
        }

        @Override
        public void receive(long nowNanos, ByteBuf packet) {
            try {
                if (!established && SimPackets.hasTcpFlags(packet, TcpFlags.SYN | TcpFlags.ACK)) {
                    established = true;
                    serverIsn = SimPackets.tcpSeq(packet);
                    send(ISS + 1, serverIsn + 1, TcpFlags.ACK, TcpOptions.NONE, null);
                    world.scheduleAfter(0, this::flood);
                }
            } finally {
                packet.release();
            }
        }

        @Override
        public void advance(long nowNanos) {
        }

        @Override
        public long nextDeadline() {
            return Long.MAX_VALUE;
        }
    }
}
