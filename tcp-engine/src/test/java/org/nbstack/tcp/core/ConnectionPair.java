package org.nbstack.tcp.core;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.BiPredicate;
import org.nbstack.tcp.wire.Ipv4;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * Two connections joined by a virtual wire with a fixed one-way delay and an optional drop filter,
 * driven by virtual time. Segments travel as objects (no codec), so this tests the core alone.
 */
final class ConnectionPair implements AutoCloseable {
    static final int CLIENT_ADDR = Ipv4.parse("10.0.0.1");
    static final int SERVER_ADDR = Ipv4.parse("10.0.0.2");
    static final ByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false, false);

    final TcpCounters counters = new TcpCounters();
    final ShardResources resources = ShardResources.of(ALLOC, counters);
    final Side client;
    final Side server;
    final long oneWayDelay;
    long now = 1_000_000_000L;
    private long sequence;
    private final PriorityQueue<InFlight> wire = new PriorityQueue<>();
    /** Decides whether a segment is lost: (segment, fromClient) -> drop. */
    BiPredicate<TcpSegment, Boolean> dropFilter = (s, c) -> false;
    /** Replaces a segment as it is sent, for a peer that misbehaves: (segment, fromClient) -> segment on the wire. */
    java.util.function.BiFunction<TcpSegment, Boolean, TcpSegment> rewrite = (s, c) -> s;
    /** Extra one-way delay of a segment, in nanoseconds, so later ones overtake it: (segment, fromClient) -> delay. */
    java.util.function.ToLongBiFunction<TcpSegment, Boolean> extraDelay = (s, c) -> 0;
    final List<String> trace = new ArrayList<>();
    boolean tracing;

    private record InFlight(long at, long order, TcpSegment segment, boolean toServer) implements Comparable<InFlight> {
        @Override
        public int compareTo(InFlight o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(order, o.order);
        }
    }

    ConnectionPair(TcpConfig clientConfig, TcpConfig serverConfig, int clientIss, int serverIss, long oneWayDelay) {
        this.oneWayDelay = oneWayDelay;
        client = new Side("client", clientConfig, clientIss, true);
        server = new Side("server", serverConfig, serverIss, false);
    }

    static ConnectionPair of(TcpConfig config) {
        return new ConnectionPair(config, config, 1000, 5_000_000, 1_000_000L);
    }

    /** Starts the handshake from the client. */
    ConnectionPair open() {
        client.conn = TcpConnection.connect(now, new ConnectionId(CLIENT_ADDR, 40000, SERVER_ADDR, 139),
                client.config, client.iss, 77, client, seg -> send(seg, true), resources);
        return this;
    }

    private void send(TcpSegment seg, boolean fromClient) {
        seg = rewrite.apply(seg, fromClient);
        if (tracing) {
            trace.add(String.format("%.6f %s %s", now / 1e9, fromClient ? "C>S" : "S>C", seg));
        }
        if (dropFilter.test(seg, fromClient)) {
            seg.release();
            return;
        }
        wire.add(new InFlight(now + oneWayDelay + extraDelay.applyAsLong(seg, fromClient), sequence++, seg, fromClient));
    }

    /** Runs until {@code done} holds or virtual time passes {@code limitNanos} from now. */
    boolean runUntil(java.util.function.BooleanSupplier done, long limitNanos) {
        long end = now + limitNanos;
        while (!done.getAsBoolean()) {
            long next = Long.MAX_VALUE;
            if (!wire.isEmpty()) next = wire.peek().at;
            next = Math.min(next, client.deadline());
            next = Math.min(next, server.deadline());
            if (next == Long.MAX_VALUE || next > end) {
                now = Math.max(now, Math.min(end, next));
                return done.getAsBoolean();
            }
            now = Math.max(now, next);
            if (!wire.isEmpty() && wire.peek().at <= now) {
                InFlight f = wire.poll();
                Side to = f.toServer ? server : client;
                if (to.conn == null && f.toServer) {
                    to.acceptSyn(f.segment);
                } else if (to.conn == null) {
                    f.segment.release();
                } else {
                    to.conn.segmentArrived(now, f.segment);
                }
            }
            client.fireTimers();
            server.fireTimers();
        }
        return true;
    }

    void runFor(long nanos) {
        runUntil(() -> false, nanos);
    }

    boolean bothClosed() {
        return client.closed() && server.closed();
    }

    @Override
    public void close() {
        for (InFlight f : wire) {
            f.segment.release();
        }
        wire.clear();
        client.releaseHeld();
        server.releaseHeld();
    }

    /** One end: its connection plus a recorder of everything the connection reported. */
    final class Side implements ConnectionEvents {
        final String name;
        final TcpConfig config;
        final int iss;
        final boolean isClient;
        TcpConnection conn;
        final MessageDigest digest;
        long received;
        boolean autoConsume = true;
        /** Counts and drops delivered data without hashing it: for transfers of many GiB. */
        boolean countOnly;
        final List<ByteBuf> held = new ArrayList<>();
        boolean established;
        boolean peerFin;
        CloseReason closedReason;
        long closedAt = -1;
        long establishedAt = -1;
        final List<TcpState> states = new ArrayList<>();

        Side(String name, TcpConfig config, int iss, boolean isClient) {
            this.name = name;
            this.config = config;
            this.iss = iss;
            this.isClient = isClient;
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new AssertionError(e);
            }
        }

        void acceptSyn(TcpSegment syn) {
            if (!syn.has(org.nbstack.tcp.wire.TcpFlags.SYN) || syn.has(org.nbstack.tcp.wire.TcpFlags.ACK)) {
                syn.release();
                return;
            }
            conn = TcpConnection.accept(now, new ConnectionId(SERVER_ADDR, 139, CLIENT_ADDR, 40000), config, iss, 99,
                    syn, this, seg -> send(seg, false), resources);
        }

        long deadline() {
            return conn == null ? Long.MAX_VALUE : conn.nextDeadline();
        }

        void fireTimers() {
            if (conn != null && conn.nextDeadline() <= now) {
                conn.onTimer(now);
            }
        }

        boolean closed() {
            return conn != null && conn.state() == TcpState.CLOSED;
        }

        TcpState state() {
            return conn == null ? null : conn.state();
        }

        /** Queues {@code bytes} of data and flushes. */
        void write(byte[] bytes) {
            conn.write(ALLOC.buffer(bytes.length).writeBytes(bytes));
            conn.flush(now);
        }

        void consumeHeld() {
            int n = 0;
            for (ByteBuf b : held) {
                n += b.readableBytes();
                absorb(b);
            }
            held.clear();
            conn.consumed(now, n);
        }

        private void absorb(ByteBuf data) {
            byte[] bytes = new byte[data.readableBytes()];
            data.readBytes(bytes);
            digest.update(bytes);
            received += bytes.length;
            data.release();
        }

        void releaseHeld() {
            held.forEach(ByteBuf::release);
            held.clear();
        }

        @Override
        public void onEstablished(TcpConnection c) {
            established = true;
            establishedAt = now;
        }

        @Override
        public void onData(TcpConnection c, ByteBuf data) {
            if (countOnly) {
                int n = data.readableBytes();
                received += n;
                data.release();
                c.consumed(now, n);
            } else if (autoConsume) {
                int n = data.readableBytes();
                absorb(data);
                c.consumed(now, n);
            } else {
                held.add(data);
            }
        }

        @Override
        public void onPeerFin(TcpConnection c) {
            peerFin = true;
        }

        @Override
        public void onClosed(TcpConnection c, CloseReason reason) {
            closedReason = reason;
            closedAt = now;
        }
    }
}
