package org.nbstack.tcp.core.congestion;

/**
 * One connection's congestion window and slow-start threshold, in bytes, and how they answer ACKs and losses.
 * The loss recovery of the connection decides when a loss happened and sets the window while it repairs it
 * ({@link #setCwnd}: RFC 6582's inflation, RFC 6937's rate reduction); this object decides how far the window
 * falls on each kind of loss and how it grows outside recovery.
 */
public interface CongestionControl {

    /** The algorithm, as chosen in the configuration and shown by netstat. */
    CongestionAlgorithm algorithm();

    int cwnd();

    int ssthresh();

    /** The connection reached ESTABLISHED: the initial window (RFC 6928) in bytes. */
    void start(long now, int initialWindow);

    /**
     * The algorithm changed on a running connection (as Linux's TCP_CONGESTION): this controller takes over the
     * window and threshold of the one before.
     */
    void resume(long now, int cwnd, int ssthresh);

    /** An RTT sample from this ACK, and the smoothed RTT after it (both in nanoseconds). */
    void onRttSample(long now, long sampleNanos, long smoothedNanos);

    /**
     * An ACK outside recovery newly acknowledged {@code ackedBytes}. {@code ack} is the ACK number and
     * {@code sndNxt} the send sequence after the ACK (round boundaries); {@code cwndLimited} says whether the last
     * output was held back by the window (RFC 7661: a window the sender does not use is not grown).
     */
    void onAck(long now, int ackedBytes, int ack, int sndNxt, int mss, boolean cwndLimited);

    /** Fast recovery begins with {@code flightBytes} outstanding: ssthresh falls; the caller sets the window. */
    void onFastRecovery(long now, int flightBytes, int mss);

    /** A tail loss probe repaired a lost tail segment (RFC 8985 §7.4): the window falls as for a loss. */
    void onTailLossRepaired(long now, int mss);

    /** The retransmission timer expired with {@code flightBytes} outstanding: the loss window (RFC 5681 §3.1). */
    void onRetransmitTimeout(long now, int flightBytes, int mss);

    /**
     * Whether SACK recovery sizes the window by Proportional Rate Reduction (RFC 6937) rather than setting it to
     * ssthresh at once (RFC 6675 §5).
     */
    default boolean proportionalRateReduction() {
        return false;
    }

    /** The loss recovery sets the window (inflation, deflation, rate reduction, leaving recovery). */
    void setCwnd(int bytes);

    /**
     * A reduction was spurious (Eifel, RFC 4015; D-SACK, RFC 3708): back to the window and threshold before it,
     * as Linux undoes it (never below the current values).
     */
    void undo(int priorCwnd, int priorSsthresh);
}
