package org.nbstack.tcp.core;

/**
 * Tail Loss Probe state (RFC 8985 §7): when to probe, and what the probe's acknowledgment says. One probe
 * per episode: after a probe the next one waits until an ACK ends the episode (§7.4).
 */
final class TailLossProbe {
    /** §7.2 WCDelAckT: the worst-case delayed ACK timer a single outstanding segment may wait for. */
    static final long WORST_CASE_DELAYED_ACK_NANOS = 200_000_000L;
    /** Like Linux (TCP_TIMEOUT_MIN), two ticks of our 1 ms clock, so a near-zero SRTT does not probe at once. */
    private static final long MIN_PTO_NANOS = 2_000_000L;
    /** §7.2: the PTO before any RTT sample. */
    private static final long INITIAL_PTO_NANOS = 1_000_000_000L;

    /** TLP.end_seq: SND.NXT when the outstanding probe was sent; meaningful while {@link #outstanding}. */
    private int endSeq;
    private boolean outstanding;
    /** TLP.is_retrans: the probe retransmitted the last segment rather than sending new data. */
    private boolean retransmission;
    private int probeStart;

    /**
     * Whether a probe is still unanswered: one per episode (§7.3). Once SND.UNA has reached TLP.end_seq the
     * probe was answered, and the next tail may be probed even while the verdict waits for a later ACK.
     */
    boolean blocksProbing(int sndUna) {
        return outstanding && Seq.lt(sndUna, endSeq);
    }

    /** §7.2 TLP_calc_PTO, before the cap by the RTO's expiry that the caller applies. */
    static long probeTimeout(long srtt, int flightBytes, int mss) {
        if (srtt <= 0) {
            return INITIAL_PTO_NANOS;
        }
        long pto = 2 * srtt + MIN_PTO_NANOS;
        if (flightBytes <= mss) {
            pto += WORST_CASE_DELAYED_ACK_NANOS; // a lone segment may wait for the peer's delayed ACK
        }
        return pto;
    }

    /** §7.3: a probe went out; {@code sndNxt} is SND.NXT after it, {@code probeStart} its first byte. */
    void sent(int sndNxt, boolean isRetransmission, int probeStart) {
        endSeq = sndNxt;
        this.probeStart = probeStart;
        outstanding = true;
        retransmission = isRetransmission;
    }

    /** The episode ends without a verdict (an RTO, or fast recovery taking over). */
    void reset() {
        outstanding = false;
    }

    /** Whether the D-SACK block [left, right) reports the outstanding retransmitted probe as a duplicate. */
    boolean isProbeDuplicate(int left, int right) {
        return outstanding && retransmission && Seq.lt(left, right) && Seq.lt(left, endSeq) && Seq.gt(right, probeStart);
    }

    /** What an ACK tells about the outstanding probe (§7.4). */
    enum Verdict { NONE, NO_LOSS, LOSS_REPAIRED }

    /**
     * §7.4 TLP_process_ack, as Linux does it: once the ACK reaches TLP.end_seq, a probe of new data, a
     * D-SACK for the probe, or a pure duplicate ACK (original and probe both arrived) ends the episode
     * without loss; an ACK beyond TLP.end_seq after a retransmitted probe means the probe repaired a loss.
     * {@code dsackLeft}/{@code dsackRight} are the ACK's D-SACK block, empty when it has none.
     */
    Verdict onAck(int ack, boolean unaAdvanced, boolean pureDuplicate, boolean newlySacked, int dsackLeft,
            int dsackRight) {
        if (!outstanding || Seq.lt(ack, endSeq)) {
            return Verdict.NONE;
        }
        if (!retransmission) {
            outstanding = false;
            return Verdict.NO_LOSS;
        }
        if (isProbeDuplicate(dsackLeft, dsackRight)) {
            outstanding = false; // the probe was a duplicate: the original had arrived
            return Verdict.NO_LOSS;
        }
        if (Seq.gt(ack, endSeq)) {
            outstanding = false;
            return Verdict.LOSS_REPAIRED;
        }
        if (!unaAdvanced && pureDuplicate && !newlySacked) {
            outstanding = false;
            return Verdict.NO_LOSS;
        }
        return Verdict.NONE;
    }
}
