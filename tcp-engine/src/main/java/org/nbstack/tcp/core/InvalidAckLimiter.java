package org.nbstack.tcp.core;

import org.nbstack.tcp.wire.TcpFlags;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * One connection's limit on the ACKs it sends in answer to invalid segments: out-of-window segments, PAWS
 * rejects (RFC 7323 §5.3) and RFC 5961 challenges. Like Linux's tcp_invalid_ratelimit (500 ms per socket),
 * at most one such ACK per interval, so a peer, an attacker or the engine talking to itself cannot turn
 * invalid segments into an unbounded stream of ACKs. Challenge ACKs also draw on the shard's randomised
 * budget (RFC 5961 §10).
 */
final class InvalidAckLimiter {
    static final long INTERVAL_NANOS = 500_000_000L;
    private final ShardResources resources;
    private long lastAck;
    private boolean sentAny;

    InvalidAckLimiter(ShardResources resources) {
        this.resources = resources;
    }

    /**
     * Whether to acknowledge an unacceptable or PAWS-rejected segment. Segments carrying data or FIN are
     * always answered, as Linux does, so a retransmission is never left unacknowledged.
     */
    boolean allowDuplicateAck(long now, TcpSegment seg) {
        if (!seg.has(TcpFlags.SYN) && seg.seqLength() > 0) {
            return true;
        }
        if (withinInterval(now)) {
            resources.counters().invalidAcksSuppressed++;
            return false;
        }
        return true;
    }

    /** Whether to answer an unacceptable segment that is always limited, whatever it carries (a stray FIN in TIME_WAIT). */
    boolean allowInvalidAnswer(long now) {
        if (withinInterval(now)) {
            resources.counters().invalidAcksSuppressed++;
            return false;
        }
        return true;
    }

    /** Whether a challenge ACK (RFC 5961 §3.2, §4.2, §5.2) may go out: this connection's limit, then the shard's. */
    boolean allowChallengeAck(long now) {
        if (withinInterval(now)) {
            resources.counters().challengeAcksSuppressed++;
            return false;
        }
        return resources.allowChallengeAck(now);
    }

    /** True when an ACK went out less than an interval ago; otherwise records this one. */
    private boolean withinInterval(long now) {
        if (sentAny && now - lastAck < INTERVAL_NANOS) {
            return true;
        }
        sentAny = true;
        lastAck = now;
        return false;
    }
}
