package org.nbstack.tcp.core.congestion;

/**
 * Proportional Rate Reduction (RFC 6937 §3.1) with the slow-start reduction bound (PRR-SSRB): during fast
 * recovery the sender sends in proportion to what the receiver got, ssthresh/RecoverFS of it, so the flight falls
 * smoothly to ssthresh instead of stopping for half an RTT; once the flight is below ssthresh it grows back by at
 * most what was delivered plus one segment per ACK. All amounts in bytes.
 */
public final class ProportionalRateReduction {
    private int ssthresh;
    /** RFC 6937 RecoverFS: the flight (SND.NXT - SND.UNA) when recovery began. */
    private int recoverFs;
    private long prrDelivered;
    private long prrOut;

    /** Recovery begins: the new ssthresh and the flight at that moment. */
    public void start(int ssthresh, int recoverFs) {
        this.ssthresh = ssthresh;
        this.recoverFs = Math.max(recoverFs, 1);
        prrDelivered = 0;
        prrOut = 0;
    }

    /**
     * An ACK during recovery newly delivered {@code deliveredData} bytes (SND.UNA's advance plus newly SACKed bytes)
     * and left {@code pipe} bytes in flight (RFC 6675). Returns sndcnt: how many bytes this ACK allows to be sent.
     */
    public int onAck(int deliveredData, int pipe, int mss) {
        prrDelivered += deliveredData;
        long sndcnt;
        if (pipe > ssthresh) {
            // Proportional rate reduction: CEIL(prr_delivered * ssthresh / RecoverFS) - prr_out.
            sndcnt = ceilDiv(prrDelivered * ssthresh, recoverFs) - prrOut;
        } else {
            // Slow-start reduction bound.
            long limit = Math.max(prrDelivered - prrOut, deliveredData) + mss;
            sndcnt = Math.min(ssthresh - pipe, limit);
        }
        return (int) Math.max(sndcnt, 0);
    }

    /** Data was sent or resent during recovery (RFC 6937: prr_out += data sent). */
    public void onSent(int bytes) {
        prrOut += bytes;
    }

    public long delivered() {
        return prrDelivered;
    }

    public long out() {
        return prrOut;
    }

    private static long ceilDiv(long a, long b) {
        return Math.floorDiv(a + b - 1, b);
    }
}
