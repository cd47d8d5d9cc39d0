package org.nbstack.tcp.core;

import org.nbstack.tcp.core.ConnectionTimers.Kind;
import org.nbstack.tcp.wire.TcpFlags;

/**
 * TCP keep-alives (RFC 1122 4.2.3.6): after the idle time without an ACK from the peer, probes at the interval,
 * and the connection given up after the configured count of unanswered probes. Off unless configured.
 */
final class KeepAlive {
    private final TcpConnection conn;
    private final Sender snd;
    /** Probes sent since the peer last answered. */
    private int probes;

    KeepAlive(TcpConnection conn) {
        this.conn = conn;
        this.snd = conn.snd;
    }

    /** Probes sent and unanswered, as netstat shows them. */
    int probes() {
        return probes;
    }

    /** Starts the idle time, when keep-alives are on. */
    void arm(long now) {
        if (conn.config().keepAlive()) {
            conn.timers.arm(Kind.KEEPALIVE, now + conn.config().keepAliveIdleNanos());
        }
    }

    /** An acknowledgment arrived: the peer is alive, the idle time starts again. */
    void ackArrived(long now) {
        probes = 0;
        if (conn.timers.isArmed(Kind.KEEPALIVE)) {
            arm(now);
        }
    }

    void expired(long now) {
        TcpConfig config = conn.config();
        TcpState state = conn.state();
        // Like Linux, a half-closed FIN_WAIT_2 keeps probing too: its peer may have vanished.
        if (!config.keepAlive() || !(state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT
                || state == TcpState.FIN_WAIT_2)) {
            return;
        }
        if (snd.sndMax != snd.sndUna) {
            // Data outstanding: the retransmission timer watches the peer.
            conn.timers.arm(Kind.KEEPALIVE, now + config.keepAliveIdleNanos());
            return;
        }
        if (probes >= config.keepAliveCount()) {
            conn.giveUp(now, CloseReason.KEEPALIVE_TIMEOUT);
            return;
        }
        // RFC 1122 4.2.3.6: a probe with SEG.SEQ = SND.NXT - 1 and no data.
        conn.counters.keepaliveProbes++;
        probes++;
        snd.transmitControl(now, snd.sndUna - 1, TcpFlags.ACK);
        conn.timers.arm(Kind.KEEPALIVE, now + config.keepAliveIntervalNanos());
    }
}
