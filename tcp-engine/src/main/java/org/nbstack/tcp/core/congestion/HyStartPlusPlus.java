package org.nbstack.tcp.core.congestion;

/**
 * HyStart++ (RFC 9406): slow start that leaves early when the RTT of a round rises by more than a threshold
 * over the previous round's, through Conservative Slow Start (CSS, a quarter of the growth) that either proves the
 * rise spurious (back to slow start) or lasts {@link #CSS_ROUNDS} rounds and ends slow start. A round ends when an
 * ACK reaches the SND.NXT recorded at its start. Used for the first slow start only (RFC 9406 §4.3).
 */
public final class HyStartPlusPlus {
    /** RFC 9406 §4.3 constants (RTTs in nanoseconds). */
    static final long MIN_RTT_THRESH_NANOS = 4_000_000L;
    static final long MAX_RTT_THRESH_NANOS = 16_000_000L;
    static final int MIN_RTT_DIVISOR = 8;
    static final int N_RTT_SAMPLE = 8;
    static final int CSS_GROWTH_DIVISOR = 4;
    static final int CSS_ROUNDS = 5;
    /** §4.3: L, the segments one ACK may add, for a sender that does not pace. */
    static final int L_UNPACED = 8;

    private static final long NONE = Long.MAX_VALUE;

    /** Where slow start is: growing, conservatively growing, or over (ssthresh now equals cwnd). */
    public enum Phase { SLOW_START, CONSERVATIVE_SLOW_START, DONE }

    private Phase phase = Phase.SLOW_START;
    private boolean roundStarted;
    private int windowEnd;
    private long lastRoundMinRtt = NONE;
    private long currentRoundMinRtt = NONE;
    private int rttSampleCount;
    private long cssBaselineMinRtt = NONE;
    private int cssRounds;

    public Phase phase() {
        return phase;
    }

    /**
     * One ACK in slow start: {@code ackedBytes} newly acknowledged, {@code rttSampleNanos} its RTT sample or a
     * negative value for none. Returns how many bytes the window grows by; afterwards {@link #phase()} says whether
     * slow start ended (the caller then sets ssthresh to cwnd, §4.2).
     */
    public int onAck(int ack, int sndNxt, int ackedBytes, long rttSampleNanos, int mss) {
        if (phase == Phase.DONE) {
            return 0;
        }
        if (!roundStarted || ack - windowEnd >= 0) {
            startRound(sndNxt);
            if (phase == Phase.DONE) {
                return 0;
            }
        }
        int growth = Math.min(ackedBytes, L_UNPACED * mss);
        if (phase == Phase.CONSERVATIVE_SLOW_START) {
            growth /= CSS_GROWTH_DIVISOR;
        }
        if (rttSampleNanos >= 0) {
            currentRoundMinRtt = Math.min(currentRoundMinRtt, rttSampleNanos);
            rttSampleCount++;
        }
        if (phase == Phase.SLOW_START) {
            if (rttSampleCount >= N_RTT_SAMPLE && currentRoundMinRtt != NONE && lastRoundMinRtt != NONE) {
                long rttThresh = Math.max(MIN_RTT_THRESH_NANOS,
                        Math.min(lastRoundMinRtt / MIN_RTT_DIVISOR, MAX_RTT_THRESH_NANOS));
                if (currentRoundMinRtt >= lastRoundMinRtt + rttThresh) {
                    cssBaselineMinRtt = currentRoundMinRtt;
                    phase = Phase.CONSERVATIVE_SLOW_START;
                    cssRounds = 0;
                }
            }
        } else if (rttSampleCount >= N_RTT_SAMPLE && currentRoundMinRtt < cssBaselineMinRtt) {
            cssBaselineMinRtt = NONE; // §4.2: the RTT rise was spurious, back to slow start
            phase = Phase.SLOW_START;
        }
        return growth;
    }

    /** A loss (or the window reaching ssthresh) ends slow start for good. */
    public void end() {
        phase = Phase.DONE;
    }

    private void startRound(int sndNxt) {
        if (roundStarted && phase == Phase.CONSERVATIVE_SLOW_START && ++cssRounds >= CSS_ROUNDS) {
            phase = Phase.DONE; // §4.2: CSS lasted CSS_ROUNDS rounds, enter congestion avoidance
        }
        roundStarted = true;
        windowEnd = sndNxt;
        lastRoundMinRtt = currentRoundMinRtt;
        currentRoundMinRtt = NONE;
        rttSampleCount = 0;
    }
}
