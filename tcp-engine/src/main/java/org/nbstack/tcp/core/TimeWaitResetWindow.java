package org.nbstack.tcp.core;

/**
 * The one RST a connection in TIME_WAIT accepts (decision 0007). RFC 1337 says to ignore every RST in TIME_WAIT,
 * but a client without timestamps that reconnects from the same port with an ISN below the old RCV.NXT gets our
 * old ACK for its SYN (RFC 9293 §3.10.7.4) and, as RFC 9293 §3.10.7.3 tells it, answers that ACK with
 * {@code <SEQ=SEG.ACK><CTL=RST>}. Accepting exactly that RST, as Linux does by default, frees the 4-tuple for the
 * client's next SYN instead of making it wait out 2*MSL (seed 000, Q230307).
 *
 * <p>The window opens only when we have just sent that ACK in answer to a plain SYN that is not an old duplicate
 * of the SYN that opened this connection; it lasts one RTO of the old connection (at least 1 s), admits the first
 * RST that arrives in it and only if its sequence number is RCV.NXT (the value our ACK carried), then closes. Any
 * other RST in TIME_WAIT is ignored, so an old duplicate answered by our ACK still cannot end TIME_WAIT early.
 */
final class TimeWaitResetWindow {
    /** The shortest window: a reconnecting client answers within one round trip of our ACK. */
    static final long MIN_WINDOW_NANOS = 1_000_000_000L;
    private static final long CLOSED = Long.MIN_VALUE;
    private long openUntil = CLOSED;

    /** Our ACK has just answered a reconnect SYN; the peer's RST to it may arrive within {@code max(1 s, rto)}. */
    void open(long now, long rtoNanos) {
        openUntil = now + Math.max(MIN_WINDOW_NANOS, rtoNanos);
    }

    /**
     * Whether an arriving RST with sequence number {@code seq} is the peer's answer to that ACK, whose
     * acknowledgment number was {@code rcvNxt}. Any RST closes the window, so a blind attacker gets one guess
     * per ACK we send, and those ACKs are rate-limited.
     */
    boolean admits(long now, int seq, int rcvNxt) {
        boolean admitted = now <= openUntil && seq == rcvNxt;
        openUntil = CLOSED;
        return admitted;
    }
}
