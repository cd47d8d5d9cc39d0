package org.nbstack.tcp.scenario;

import org.nbstack.tcp.core.TcpConfig;

/**
 * How long a healthy connection's transfer may take on a perfect link, whatever another connection of the same
 * shard suffers or does. The transfer needs one round trip for the handshake and then slow-start rounds: the
 * sender starts with its initial window (RFC 6928) and, with delayed ACKs (one ACK per two segments, RFC 5681
 * 4.2), grows it by at least half per round trip, never beyond what the receiver's window lets it have in
 * flight. Each round may also wait once for a delayed ACK (or for Nagle's last small segment). The bound is
 * twice that plus 100 ms, so only a connection that was really held up by its neighbour crosses it.
 */
record CompanionBound(long nanos, int rounds, String derivation) {

    static CompanionBound of(long bytes, long rttNanos, TcpConfig sender, TcpConfig receiver) {
        long mss = Math.min(sender.mss(), receiver.mss());
        long window = receiver.windowScale() == 0 ? Math.min(receiver.receiveBuffer(), 0xffff) : receiver.receiveBuffer();
        long cwnd = sender.initialCwndSegments() * mss;
        int rounds = 0;
        for (long sent = 0; sent < bytes; rounds++) {
            sent += Math.max(mss, Math.min(cwnd, window));
            cwnd += cwnd / 2;
        }
        long exchange = (rounds + 1L) * rttNanos + rounds * Math.max(receiver.delayedAckNanos(), sender.delayedAckNanos());
        long bound = 2 * exchange + 100_000_000L;
        String derivation = String.format("%d bytes: 2 x ((1 + %d rounds) x RTT %s + %d x delayed ACK %s) + 100 ms = %s"
                + " (MSS %d, initial window %d segments, receive window %d)", bytes, rounds, CloseBound.s(rttNanos), rounds,
                CloseBound.s(Math.max(receiver.delayedAckNanos(), sender.delayedAckNanos())), CloseBound.s(bound), mss,
                sender.initialCwndSegments(), window);
        return new CompanionBound(bound, rounds, derivation);
    }
}
