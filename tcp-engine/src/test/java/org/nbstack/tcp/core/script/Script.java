package org.nbstack.tcp.core.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.nbstack.tcp.core.CloseReason;
import org.nbstack.tcp.core.ConnectionEvents;
import org.nbstack.tcp.core.ConnectionId;
import org.nbstack.tcp.core.ConnectionTimer;
import org.nbstack.tcp.core.ShardResources;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.core.TcpConnection;
import org.nbstack.tcp.core.TcpCounters;
import org.nbstack.tcp.core.TcpState;
import org.nbstack.tcp.wire.Ipv4;
import org.nbstack.tcp.wire.TcpFlags;
import org.nbstack.tcp.wire.TcpOptions;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * A segment-level script for one connection (smoltcp style): a connection brought into a given state by exact
 * segments, then one exact segment in, and the exact segments, state and timer out.
 *
 * <p>Segments are written as text: flags ({@code SYN}, {@code ACK}, {@code FIN}, {@code RST}, {@code PSH},
 * joined by commas), then {@code seq=}, {@code ack=}, {@code win=}, {@code len=} (payload bytes, zeros) and
 * {@code mss=} (the MSS option; the peer's SYN in the scene offers 1460). In {@link #receive} a missing field is 0 (win: 8192); in
 * {@link #expectSend} only the fields written are checked, flags always.
 *
 * <p>The scene: our connection has ISS {@value #OUR_ISS}, the peer ISS {@value #PEER_ISS}; no timestamps, no SACK,
 * no window scaling, an 8192-byte receive buffer, so every number on the wire is the plain RFC 9293 one. Time
 * starts at 0 and moves only by {@link #advance}; the handshake's round trip took 100 ms but gave no RTT sample
 * (the SYN is not timed), so the RTO is the initial 1 s until data is acknowledged.
 */
public final class Script {
    public static final int OUR_ISS = 1000;
    public static final int PEER_ISS = 5000;
    public static final long MS = 1_000_000L;
    public static final long SEC = 1_000 * MS;
    public static final TcpConfig PLAIN = TcpConfig.builder().timestamps(false).sack(false).windowScale(0)
            .receiveBuffer(8192).sendBuffer(1 << 20).build();
    private static final int US = Ipv4.parse("10.0.0.1");
    private static final int PEER = Ipv4.parse("10.0.0.2");
    private static final ConnectionId ID = new ConnectionId(US, 139, PEER, 40000);

    private final TcpCounters counters = new TcpCounters();
    private final ShardResources resources = ShardResources.of(new UnpooledByteBufAllocator(false), counters);
    private final List<TcpSegment> sent = new ArrayList<>();
    private final Recorder events = new Recorder();
    private final TcpConfig config;
    private TcpConnection conn;
    private long now;

    private Script(TcpConfig config) {
        this.config = config;
    }

    /** A connection in {@code state}, reached by the usual exchange with the peer, with nothing left to check. */
    public static Script given(TcpState state) {
        return given(state, PLAIN);
    }

    public static Script given(TcpState state, TcpConfig config) {
        Script s = new Script(config);
        switch (state) {
            case SYN_SENT -> s.connect();
            case SYN_RECEIVED -> s.acceptSyn("SYN seq=5000 win=8192 mss=1460");
            case ESTABLISHED -> s.established();
            case FIN_WAIT_1 -> s.established().close();
            case FIN_WAIT_2 -> s.established().close().advance(100 * MS).receive("ACK seq=5001 ack=1002");
            case CLOSING -> s.established().close().advance(100 * MS).receive("FIN,ACK seq=5001 ack=1001");
            case TIME_WAIT -> s.established().close().advance(100 * MS).receive("ACK seq=5001 ack=1002")
                    .receive("FIN,ACK seq=5001 ack=1002");
            case CLOSE_WAIT -> s.established().receive("FIN,ACK seq=5001 ack=1001");
            case LAST_ACK -> s.established().receive("FIN,ACK seq=5001 ack=1001").close();
            default -> throw new IllegalArgumentException("no script starts in " + state);
        }
        s.expectState(state);
        s.sent.clear();
        return s;
    }

    private Script connect() {
        conn = TcpConnection.connect(now, ID, config, OUR_ISS, 0, events, sent::add, resources);
        return this;
    }

    private Script acceptSyn(String syn) {
        conn = TcpConnection.accept(now, ID, config, OUR_ISS, 0, segment(syn), events, sent::add, resources);
        return this;
    }

    /** A passive open: the peer's SYN, our SYN-ACK, the peer's ACK 100 ms later. */
    private Script established() {
        return acceptSyn("SYN seq=5000 win=8192 mss=1460").advance(100 * MS).receive("ACK seq=5001 ack=1001 win=8192");
    }

    // ------------------------------------------------------------------------------------------------
    // Inputs

    /** One segment from the peer. */
    public Script receive(String segment) {
        conn.segmentArrived(now, segment(segment));
        return this;
    }

    /** Time passes; every timer that comes due runs at its deadline. */
    public Script advance(long nanos) {
        long end = now + nanos;
        while (conn.state() != TcpState.CLOSED && conn.nextDeadline() <= end) {
            now = Math.max(now, conn.nextDeadline());
            conn.onTimer(now);
        }
        now = end;
        return this;
    }

    /** Time passes until the next timer has fired. */
    public Script advanceToNextTimer() {
        return advance(conn.nextDeadline() - now);
    }

    /** The application writes {@code bytes} bytes and flushes. */
    public Script write(int bytes) {
        conn.write(Unpooled.wrappedBuffer(new byte[bytes]));
        conn.flush(now);
        return this;
    }

    /** The application closes the connection (it becomes an orphan). */
    public Script close() {
        conn.close(now);
        return this;
    }

    /** The application reads {@code bytes} bytes of what was delivered. */
    public Script read(int bytes) {
        conn.consumed(now, bytes);
        return this;
    }

    // ------------------------------------------------------------------------------------------------
    // Expectations

    /** Exactly these segments went out since the last check, in this order. */
    public Script expectSend(String... segments) {
        List<String> actual = sent.stream().map(Script::describe).toList();
        if (actual.size() != segments.length) {
            fail("expected %d segment(s) %s but %d went out: %s", segments.length, List.of(segments), actual.size(),
                    actual);
        }
        for (int i = 0; i < segments.length; i++) {
            match(segments[i], sent.get(i), actual);
        }
        releaseSent();
        return this;
    }

    public Script expectNothingSent() {
        return expectSend();
    }

    public Script expectState(TcpState state) {
        assertThat(conn.state()).as("state").isEqualTo(state);
        return this;
    }

    /** The connection is CLOSED for {@code reason}. */
    public Script expectClosed(CloseReason reason) {
        expectState(TcpState.CLOSED);
        assertThat(events.closed).as("close reason").isEqualTo(reason);
        return this;
    }

    /**
     * The timer that runs next, as netstat names it ("on" for retransmission, "probe" for persist, "keepalive",
     * "timewait"), and when it fires from now.
     */
    public Script expectTimer(String kind, long inNanos) {
        ConnectionTimer t = conn.activeTimer(now);
        assertThat(t.kind() + " in " + t.remainingNanos() / MS + " ms").as("next timer")
                .isEqualTo(kind + " in " + inNanos / MS + " ms");
        assertThat(conn.nextDeadline() - now).as("next deadline").isEqualTo(inNanos);
        return this;
    }

    /** The next deadline of any timer (the delayed ACK has no netstat name). */
    public Script expectDeadline(long inNanos) {
        assertThat(conn.nextDeadline() - now).as("next deadline").isEqualTo(inNanos);
        return this;
    }

    public Script expectNoTimer() {
        assertThat(conn.nextDeadline()).as("next deadline").isEqualTo(Long.MAX_VALUE);
        return this;
    }

    /** In-order bytes handed to the application so far. */
    public Script expectDelivered(long bytes) {
        assertThat(events.delivered).as("bytes delivered").isEqualTo(bytes);
        return this;
    }

    public Script expectPeerFin(boolean seen) {
        assertThat(events.peerFin).as("peer FIN delivered").isEqualTo(seen);
        return this;
    }

    public TcpConnection connection() {
        return conn;
    }

    public TcpCounters counters() {
        return counters;
    }

    public long now() {
        return now;
    }

    /** Releases what the script still holds; call at the end of a test. */
    public void release() {
        releaseSent();
        events.held.forEach(ByteBuf::release);
        events.held.clear();
    }

    private void releaseSent() {
        sent.forEach(TcpSegment::release);
        sent.clear();
    }

    // ------------------------------------------------------------------------------------------------
    // Segment text

    static TcpSegment segment(String text) {
        String[] parts = text.trim().split("\\s+");
        int flags = flags(parts[0]);
        int seq = 0;
        int ack = 0;
        int win = 8192;
        int len = 0;
        int mss = -1;
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            long v = Long.parseLong(kv[1]);
            switch (kv[0]) {
                case "seq" -> seq = (int) v;
                case "ack" -> ack = (int) v;
                case "win" -> win = (int) v;
                case "len" -> len = (int) v;
                case "mss" -> mss = (int) v;
                default -> throw new IllegalArgumentException("unknown field " + kv[0] + " in " + text);
            }
        }
        TcpOptions options = mss < 0 ? TcpOptions.NONE : new TcpOptions(mss, -1, false, false, 0, 0, new int[0]);
        return new TcpSegment(PEER, US, 40000, 139, seq, ack, flags, win, options,
                len == 0 ? null : Unpooled.wrappedBuffer(new byte[len]));
    }

    private static int flags(String names) {
        int flags = 0;
        for (String name : names.split(",")) {
            flags |= switch (name) {
                case "SYN" -> TcpFlags.SYN;
                case "ACK" -> TcpFlags.ACK;
                case "FIN" -> TcpFlags.FIN;
                case "RST" -> TcpFlags.RST;
                case "PSH" -> TcpFlags.PSH;
                default -> throw new IllegalArgumentException("unknown flag " + name);
            };
        }
        return flags;
    }

    private static String flagNames(int flags) {
        List<String> names = new ArrayList<>();
        if ((flags & TcpFlags.SYN) != 0) names.add("SYN");
        if ((flags & TcpFlags.FIN) != 0) names.add("FIN");
        if ((flags & TcpFlags.RST) != 0) names.add("RST");
        if ((flags & TcpFlags.PSH) != 0) names.add("PSH");
        if ((flags & TcpFlags.ACK) != 0) names.add("ACK");
        return String.join(",", names);
    }

    static String describe(TcpSegment s) {
        return flagNames(s.flags) + " seq=" + Integer.toUnsignedString(s.seq) + " ack=" + Integer.toUnsignedString(s.ack)
                + " win=" + s.window + " len=" + s.payloadLength() + (s.options.mss > 0 ? " mss=" + s.options.mss : "");
    }

    private static void match(String expected, TcpSegment actual, List<String> all) {
        String[] parts = expected.trim().split("\\s+");
        boolean ok = flags(parts[0]) == actual.flags;
        for (int i = 1; i < parts.length && ok; i++) {
            String[] kv = parts[i].split("=", 2);
            long v = Long.parseLong(kv[1]);
            ok = switch (kv[0]) {
                case "seq" -> actual.seq == (int) v;
                case "ack" -> actual.ack == (int) v;
                case "win" -> actual.window == v;
                case "len" -> actual.payloadLength() == v;
                case "mss" -> actual.options.mss == v;
                default -> throw new IllegalArgumentException("unknown field " + kv[0] + " in " + expected);
            };
        }
        if (!ok) {
            fail("expected segment [%s] but got [%s]; all sent: %s", expected, describe(actual), all);
        }
    }

    /** Records what the connection tells its application. Data is kept unread, so the window closes as it fills. */
    private final class Recorder implements ConnectionEvents {
        final List<ByteBuf> held = new ArrayList<>();
        long delivered;
        boolean peerFin;
        CloseReason closed;

        @Override
        public void onData(TcpConnection c, ByteBuf data) {
            delivered += data.readableBytes();
            held.add(data);
        }

        @Override
        public void onPeerFin(TcpConnection c) {
            peerFin = true;
        }

        @Override
        public void onClosed(TcpConnection c, CloseReason reason) {
            closed = reason;
        }
    }
}
