package org.nbstack.tcp.wire;

import java.util.Arrays;

/**
 * The TCP options nbstack understands (RFC 9293 §3.2 MSS, RFC 7323 window scale and timestamps,
 * RFC 2018 SACK-permitted and SACK). Absent numeric options are -1; {@code sack} holds left/right
 * edge pairs (at most 4 blocks).
 */
public final class TcpOptions {
    static final int[] NO_SACK = new int[0];
    public static final TcpOptions NONE = new TcpOptions(-1, -1, false, false, 0, 0, NO_SACK);
    public static final int MAX_SACK_BLOCKS = 4;

    public final int mss;
    public final int windowScale;
    public final boolean sackPermitted;
    public final boolean hasTimestamps;
    public final int tsVal;
    public final int tsEcr;
    private final int[] sack;

    public TcpOptions(int mss, int windowScale, boolean sackPermitted, boolean hasTimestamps, int tsVal, int tsEcr,
            int[] sackEdges) {
        if (sackEdges.length % 2 != 0 || sackEdges.length > 2 * MAX_SACK_BLOCKS) {
            throw new IllegalArgumentException("SACK edges come in at most " + MAX_SACK_BLOCKS + " pairs: " + sackEdges.length);
        }
        this.mss = mss;
        this.windowScale = windowScale;
        this.sackPermitted = sackPermitted;
        this.hasTimestamps = hasTimestamps;
        this.tsVal = hasTimestamps ? tsVal : 0;
        this.tsEcr = hasTimestamps ? tsEcr : 0;
        this.sack = sackEdges.length == 0 ? NO_SACK : sackEdges.clone();
    }

    private TcpOptions(int mss, int windowScale, boolean sackPermitted, boolean hasTimestamps, int tsVal, int tsEcr,
            int[] sackEdges, boolean adopt) { // adopt only tells this constructor apart from the public one
        this.mss = mss;
        this.windowScale = windowScale;
        this.sackPermitted = sackPermitted;
        this.hasTimestamps = hasTimestamps;
        this.tsVal = hasTimestamps ? tsVal : 0;
        this.tsEcr = hasTimestamps ? tsEcr : 0;
        this.sack = sackEdges;
    }

    /**
     * For the decoder: takes {@code sackEdges} (an even count of at most 8, or {@link #NO_SACK}) without
     * the defensive copy, since the caller built it for this object alone.
     */
    static TcpOptions adopting(int mss, int windowScale, boolean sackPermitted, boolean hasTimestamps, int tsVal,
            int tsEcr, int[] sackEdges) {
        return new TcpOptions(mss, windowScale, sackPermitted, hasTimestamps, tsVal, tsEcr, sackEdges, true);
    }

    public static TcpOptions timestamps(int tsVal, int tsEcr) {
        return new TcpOptions(-1, -1, false, true, tsVal, tsEcr, NO_SACK);
    }

    public int sackBlockCount() {
        return sack.length / 2;
    }

    public int sackLeft(int block) {
        return sack[2 * block];
    }

    public int sackRight(int block) {
        return sack[2 * block + 1];
    }

    public boolean isEmpty() {
        return mss < 0 && windowScale < 0 && !sackPermitted && !hasTimestamps && sack.length == 0;
    }

    public TcpOptions withSack(int[] sackEdges) {
        return new TcpOptions(mss, windowScale, sackPermitted, hasTimestamps, tsVal, tsEcr, sackEdges);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TcpOptions t && mss == t.mss && windowScale == t.windowScale
                && sackPermitted == t.sackPermitted && hasTimestamps == t.hasTimestamps && tsVal == t.tsVal
                && tsEcr == t.tsEcr && Arrays.equals(sack, t.sack);
    }

    @Override
    public int hashCode() {
        return ((mss * 31 + windowScale) * 31 + (sackPermitted ? 1 : 0)) * 31 + tsVal * 17 + Arrays.hashCode(sack);
    }

    @Override
    public String toString() {
        if (isEmpty()) {
            return "[]";
        }
        StringBuilder sb = new StringBuilder("[");
        if (mss >= 0) sb.append("mss ").append(mss).append(',');
        if (sackPermitted) sb.append("sackOK,");
        if (hasTimestamps) sb.append("TS val ").append(Integer.toUnsignedString(tsVal)).append(" ecr ")
                .append(Integer.toUnsignedString(tsEcr)).append(',');
        if (windowScale >= 0) sb.append("wscale ").append(windowScale).append(',');
        if (sack.length > 0) {
            sb.append("sack ").append(sackBlockCount());
            for (int i = 0; i < sackBlockCount(); i++) {
                sb.append(" {").append(Integer.toUnsignedString(sackLeft(i))).append(':')
                        .append(Integer.toUnsignedString(sackRight(i))).append('}');
            }
            sb.append(',');
        }
        sb.setLength(sb.length() - 1);
        return sb.append(']').toString();
    }
}
