package org.nbstack.tcp.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nbstack.tcp.core.ConnectionTimers.Kind;

/** The connection's timers: the owner wakes at the earliest deadline of any kind, and netstat names the right one. */
class ConnectionTimersTest {
    private static final long MS = 1_000_000L;

    @Test
    void theNextDeadlineIsTheEarliestOfEveryKind() {
        for (Kind earliest : Kind.values()) {
            ConnectionTimers timers = new ConnectionTimers();
            for (Kind k : Kind.values()) {
                timers.arm(k, (k == earliest ? 5 : 50 + k.ordinal()) * MS);
            }
            assertThat(timers.next()).as("earliest %s", earliest).isEqualTo(5 * MS);
        }
    }

    @Test
    void aDueTimerStopsOnceAndOthersWait() {
        ConnectionTimers timers = new ConnectionTimers();
        timers.arm(Kind.RETRANSMIT, 200 * MS);
        timers.arm(Kind.DELAYED_ACK, 40 * MS);
        assertThat(timers.expired(Kind.DELAYED_ACK, 39 * MS)).isFalse();
        assertThat(timers.expired(Kind.DELAYED_ACK, 40 * MS)).isTrue();
        assertThat(timers.expired(Kind.DELAYED_ACK, 40 * MS)).isFalse(); // handled once
        assertThat(timers.next()).isEqualTo(200 * MS);
        timers.stopAll();
        assertThat(timers.next()).isEqualTo(ConnectionTimers.NEVER);
    }

    @Test
    void netstatShowsTimeWaitFirstAndTheLossTimersAsTheRetransmissionTimer() {
        ConnectionTimers timers = new ConnectionTimers();
        assertThat(timers.netstatView(0, 0, 0, 0).kind()).isEqualTo("off");
        timers.arm(Kind.KEEPALIVE, 7200_000 * MS);
        assertThat(timers.netstatView(0, 1, 2, 3)).isEqualTo(new ConnectionTimer("keepalive", 7200_000 * MS, 3));
        timers.arm(Kind.PERSIST, 400 * MS);
        assertThat(timers.netstatView(0, 1, 2, 3)).isEqualTo(new ConnectionTimer("probe", 400 * MS, 2));
        timers.arm(Kind.PROBE, 30 * MS); // a tail loss probe shows as "on", as Linux shows it
        assertThat(timers.netstatView(10 * MS, 1, 2, 3)).isEqualTo(new ConnectionTimer("on", 20 * MS, 1));
        timers.arm(Kind.TIME_WAIT, 60_000 * MS);
        assertThat(timers.netstatView(0, 1, 2, 3)).isEqualTo(new ConnectionTimer("timewait", 60_000 * MS, 0));
    }
}
