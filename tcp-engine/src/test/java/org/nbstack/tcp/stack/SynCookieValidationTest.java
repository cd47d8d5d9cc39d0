package org.nbstack.tcp.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nbstack.tcp.stack.StackDriver.PEER;
import static org.nbstack.tcp.stack.StackDriver.PORT;
import static org.nbstack.tcp.stack.StackDriver.SEC;
import static org.nbstack.tcp.stack.StackDriver.SERVER;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.core.ConnectionId;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.core.TcpState;
import org.nbstack.tcp.wire.TcpFlags;
import org.nbstack.tcp.wire.TcpOptions;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * SYN cookies (RFC 4987 §3.6) are accepted only as sent: within the current or previous 64 s period (the MAC
 * covers the full time counter, not the 5 bits that travel), with the MSS index and the TSval option bits
 * exactly as the listener encoded them, and only while the listener has recently sent cookies at all.
 */
class SynCookieValidationTest {
    private static final long PERIOD = 64 * SEC;
    private static final int PEER_PORT = 40000;
    private static final int ISN = 5000;

    private static StackConfig.Builder cookiesAlwaysOn() {
        return StackDriver.config().synCookies(StackConfig.SynCookies.ON);
    }

    /** A SYN from {@code peerPort} answered with a cookie SYN-ACK; returns that SYN-ACK. */
    private static TcpSegment cookieSynAck(StackDriver d, int peerPort, TcpOptions options) {
        List<TcpSegment> answer = d.in(new TcpSegment(PEER, SERVER, peerPort, PORT, ISN, 0, TcpFlags.SYN, 65535,
                options, null));
        assertThat(answer).hasSize(1);
        assertThat(answer.get(0).flags).isEqualTo(TcpFlags.SYN | TcpFlags.ACK);
        assertThat(d.stack.counters().synCookiesSent).isPositive();
        return answer.get(0);
    }

    private static TcpOptions mss(int mss) {
        return new TcpOptions(mss, -1, false, false, 0, 0, new int[0]);
    }

    private static List<TcpSegment> ackCookie(StackDriver d, int cookie, TcpOptions options) {
        return d.in(new TcpSegment(PEER, SERVER, PEER_PORT, PORT, ISN + 1, cookie + 1, TcpFlags.ACK, 65535, options,
                null));
    }

    private static void assertRefused(StackDriver d, List<TcpSegment> answer, int cookie) {
        assertThat(answer).as("answered as an ACK for no connection").hasSize(1);
        assertThat(answer.get(0).flags).isEqualTo(TcpFlags.RST);
        assertThat(answer.get(0).seq).isEqualTo(cookie + 1);
        assertThat(d.accepted).as("no connection opened").isEmpty();
        assertThat(d.stack.connectionCount()).isZero();
    }

    @Test
    void aCookieFrom32PeriodsAgoIsRefused() {
        try (StackDriver d = new StackDriver(cookiesAlwaysOn().build())) {
            d.listen(16);
            int cookie = cookieSynAck(d, PEER_PORT, mss(1460)).seq;
            d.now += 32 * PERIOD; // the 5 low counter bits that travel in the cookie are the same again
            cookieSynAck(d, PEER_PORT + 1, mss(1460)); // cookies are still being sent: the ACK is checked
            assertRefused(d, ackCookie(d, cookie, TcpOptions.NONE), cookie);
            assertThat(d.stack.counters().synCookiesRejected).isEqualTo(1);
            assertThat(d.stack.counters().synCookiesAccepted).isZero();
        }
    }

    @Test
    void aCookieOfTheCurrentOrPreviousPeriodOpensTheConnectionWithItsMss() {
        try (StackDriver d = new StackDriver(cookiesAlwaysOn().build())) {
            d.listen(16);
            int cookie = cookieSynAck(d, PEER_PORT, mss(1460)).seq;
            d.now += PERIOD + PERIOD / 2; // into the next period
            assertThat(ackCookie(d, cookie, TcpOptions.NONE)).as("nothing to send yet").isEmpty();
            assertThat(d.stack.counters().synCookiesAccepted).isEqualTo(1);
            assertThat(d.accepted).hasSize(1);
            assertThat(d.accepted.get(0).state()).isEqualTo(TcpState.ESTABLISHED);
            assertThat(d.accepted.get(0).connection().sendMss()).isEqualTo(1460);
        }
    }

    @Test
    void aCookieTwoPeriodsOldIsRefused() {
        try (StackDriver d = new StackDriver(cookiesAlwaysOn().build())) {
            d.listen(16);
            int cookie = cookieSynAck(d, PEER_PORT, mss(1460)).seq;
            d.now += 2 * PERIOD;
            cookieSynAck(d, PEER_PORT + 1, mss(1460));
            assertRefused(d, ackCookie(d, cookie, TcpOptions.NONE), cookie);
            assertThat(d.stack.counters().synCookiesRejected).isEqualTo(1);
        }
    }

    @Test
    void aCookieWithTamperedMssBitsIsRefused() {
        try (StackDriver d = new StackDriver(cookiesAlwaysOn().build())) {
            d.listen(16);
            int cookie = cookieSynAck(d, PEER_PORT, mss(536)).seq;
            assertThat(cookie >>> 25 & 3).as("MSS index of 536").isZero();
            int raised = cookie | 3 << 25; // claims the peer offered 1460
            assertRefused(d, ackCookie(d, raised, TcpOptions.NONE), raised);
            assertThat(d.stack.counters().synCookiesRejected).isEqualTo(1);
        }
    }

    @Test
    void aCookieWithTamperedOptionBitsIsRefused() {
        StackConfig config = cookiesAlwaysOn().tcp(TcpConfig.builder().timestamps(true).build()).build();
        try (StackDriver d = new StackDriver(config)) {
            d.listen(16);
            // No window scale, no SACK offered: the SYN-ACK's TSval encodes "neither".
            TcpSegment synAck = cookieSynAck(d, PEER_PORT, new TcpOptions(1460, -1, false, true, 777, 0, new int[0]));
            assertThat(synAck.options.tsVal & SynCookieCodec.TS_OPTION_BITS).isEqualTo(SynCookieCodec.NO_OPTION_BITS);
            int forgedEcr = synAck.options.tsVal & ~SynCookieCodec.TS_OPTION_BITS | SynCookieCodec.optionBits(14, true);
            List<TcpSegment> answer = ackCookie(d, synAck.seq,
                    new TcpOptions(-1, -1, false, true, 778, forgedEcr, new int[0]));
            assertRefused(d, answer, synAck.seq);
            assertThat(d.stack.counters().synCookiesRejected).isEqualTo(1);
        }
    }

    @Test
    void aStrayAckIsNotCheckedAsACookieWithoutARecentSynQueueOverflow() {
        StackConfig config = StackDriver.config().synCookies(StackConfig.SynCookies.AUTO).defaultSynBacklog(1).build();
        // The same seed as the driver's stack: these cookies would pass its MAC.
        SynCookieCodec sameSecret = new ConnectionSecrets(new SplittableRandom(7)).cookies();
        ConnectionId id = new ConnectionId(SERVER, PORT, PEER, PEER_PORT);
        try (StackDriver d = new StackDriver(config)) {
            d.listen(1);
            int neverOverflowed = sameSecret.cookie(id, ISN, 3, SynCookieCodec.NO_OPTION_BITS, d.now);
            assertRefused(d, ackCookie(d, neverOverflowed, TcpOptions.NONE), neverOverflowed);
            assertThat(d.stack.counters().synCookiesRejected).as("not even checked").isZero();

            // The SYN queue (one entry) overflows: the next SYN gets a cookie, and cookies are checked...
            assertThat(d.in(PEER_PORT + 1, ISN, 0, TcpFlags.SYN)).hasSize(1);
            assertThat(d.stack.counters().synCookiesSent).isZero();
            cookieSynAck(d, PEER_PORT + 2, mss(1460));
            d.now += SynCookieCodec.VALIDITY_NANOS + 1; // ...until no cookie sent then can still be valid
            int afterTheWindow = sameSecret.cookie(id, ISN, 3, SynCookieCodec.NO_OPTION_BITS, d.now);
            List<TcpSegment> answer = ackCookie(d, afterTheWindow, TcpOptions.NONE);
            assertThat(answer).hasSize(1);
            assertThat(answer.get(0).flags).isEqualTo(TcpFlags.RST);
            assertThat(d.stack.counters().synCookiesRejected).as("not checked after the window").isZero();
            assertThat(d.stack.counters().synCookiesAccepted).isZero();
            assertThat(d.accepted).isEmpty();
        }
    }

    @Test
    void aFreshCookieAfterAnOverflowOpensTheConnection() {
        StackConfig config = StackDriver.config().synCookies(StackConfig.SynCookies.AUTO).defaultSynBacklog(1).build();
        try (StackDriver d = new StackDriver(config)) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            new StackMetrics(() -> List.of(d.stack)).bindTo(registry);
            d.listen(1);
            assertThat(d.in(PEER_PORT + 1, ISN, 0, TcpFlags.SYN)).hasSize(1); // fills the SYN queue
            int cookie = cookieSynAck(d, PEER_PORT, mss(1440)).seq;
            d.now += 200_000_000L;
            assertThat(ackCookie(d, cookie, TcpOptions.NONE)).isEmpty();
            assertThat(d.stack.counters().synCookiesAccepted).isEqualTo(1);
            assertThat(d.accepted).hasSize(1);
            assertThat(d.accepted.get(0).state()).isEqualTo(TcpState.ESTABLISHED);
            assertThat(d.accepted.get(0).connection().sendMss()).isEqualTo(1440);
            // what an operator sees of it
            assertThat(registry.get("tcp.syn.cookies").tag("result", "sent").functionCounter().count()).isEqualTo(1);
            assertThat(registry.get("tcp.syn.cookies").tag("result", "accepted").functionCounter().count()).isEqualTo(1);
            assertThat(registry.get("tcp.syn.cookies").tag("result", "rejected").functionCounter().count()).isZero();
        }
    }
}
