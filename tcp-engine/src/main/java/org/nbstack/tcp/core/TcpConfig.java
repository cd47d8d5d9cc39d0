package org.nbstack.tcp.core;

import java.time.Duration;
import java.util.Objects;
import org.nbstack.tcp.core.congestion.CongestionAlgorithm;

/**
 * Per-connection TCP settings. Defaults mirror Linux unless a seed says otherwise (see DESIGN.md).
 * Times are nanoseconds; sizes are bytes.
 */
public record TcpConfig(
        int mss,
        int receiveBuffer,
        int sendBuffer,
        int windowScale,
        boolean timestamps,
        boolean sack,
        boolean noDelay,
        int initialCwndSegments,
        long rtoInitialNanos,
        long rtoMinNanos,
        long rtoMaxNanos,
        long delayedAckNanos,
        int synRetries,
        int synAckRetries,
        int dataRetries,
        int orphanRetries,
        long timeWaitNanos,
        long finWait2TimeoutNanos,
        boolean keepAlive,
        long keepAliveIdleNanos,
        long keepAliveIntervalNanos,
        int keepAliveCount,
        long userTimeoutNanos,
        int maxOutOfOrderBytes,
        CongestionAlgorithm congestionControl) {

    /** Largest window scale shift (RFC 7323 §2.3). */
    public static final int MAX_WINDOW_SCALE = 14;
    /** Largest window a scaled receiver may offer (RFC 7323 §2.3: 2^30). */
    public static final int MAX_WINDOW = 1 << 30;

    public static final TcpConfig DEFAULT = builder().build();

    public TcpConfig {
        require(mss >= 88 && mss <= 65495, "mss", mss, "88..65495");
        require(receiveBuffer >= 2 * 88 && receiveBuffer <= MAX_WINDOW, "receiveBuffer", receiveBuffer, "176..2^30");
        require(sendBuffer >= 1, "sendBuffer", sendBuffer, ">= 1");
        require(windowScale >= -1 && windowScale <= MAX_WINDOW_SCALE, "windowScale", windowScale, "-1 (auto) or 0..14");
        require(initialCwndSegments >= 1 && initialCwndSegments <= 1000, "initialCwndSegments", initialCwndSegments, "1..1000");
        require(rtoMinNanos > 0 && rtoMinNanos <= rtoInitialNanos && rtoInitialNanos <= rtoMaxNanos,
                "rto", rtoInitialNanos, "0 < min <= initial <= max");
        require(delayedAckNanos >= 0 && delayedAckNanos <= 500_000_000L, "delayedAck", delayedAckNanos, "0..500 ms (RFC 1122 4.2.3.2)");
        require(synRetries >= 1 && synAckRetries >= 1 && dataRetries >= 1 && orphanRetries >= 1, "retries",
                Math.min(Math.min(synRetries, synAckRetries), Math.min(dataRetries, orphanRetries)), ">= 1");
        require(timeWaitNanos >= 0, "timeWait", timeWaitNanos, ">= 0");
        require(finWait2TimeoutNanos > 0, "finWait2Timeout", finWait2TimeoutNanos, "> 0");
        require(keepAliveIdleNanos > 0 && keepAliveIntervalNanos > 0 && keepAliveCount >= 1, "keepAlive",
                keepAliveCount, "idle > 0, interval > 0, count >= 1");
        require(userTimeoutNanos >= 0, "userTimeout", userTimeoutNanos, ">= 0 (0 = off)");
        require(maxOutOfOrderBytes >= 0, "maxOutOfOrderBytes", maxOutOfOrderBytes, ">= 0");
        Objects.requireNonNull(congestionControl, "tcp.congestionControl; allowed: " + CongestionAlgorithm.allowedNames());
    }

    private static void require(boolean ok, String name, long value, String allowed) {
        if (!ok) {
            throw new IllegalArgumentException("tcp." + name + " = " + value + " is out of range; allowed: " + allowed);
        }
    }

    /** The window scale we offer: configured, or the smallest shift that lets the receive buffer be advertised. */
    public int effectiveWindowScale() {
        if (windowScale >= 0) {
            return windowScale;
        }
        int shift = 0;
        while (shift < MAX_WINDOW_SCALE && (receiveBuffer >>> shift) > 0xffff) {
            shift++;
        }
        return shift;
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public static Builder builder() {
        return new Builder(null);
    }

    /** Fluent construction with Linux-like defaults. */
    public static final class Builder {
        private int mss = 1460;
        private int receiveBuffer = 1 << 20;
        private int sendBuffer = 1 << 20;
        private int windowScale = -1;
        private boolean timestamps = true;
        private boolean sack = true;
        private boolean noDelay = false;
        private int initialCwndSegments = 10;  // RFC 6928
        private long rtoInitial = ms(1000);     // RFC 6298 §2.1
        private long rtoMin = ms(200);          // Linux TCP_RTO_MIN
        private long rtoMax = ms(120_000);      // Linux TCP_RTO_MAX
        private long delayedAck = ms(40);
        private int synRetries = 6;             // Linux tcp_syn_retries
        private int synAckRetries = 5;          // Linux tcp_synack_retries
        private int dataRetries = 15;           // Linux tcp_retries2
        private int orphanRetries = 8;          // Linux tcp_orphan_retries 0 means 8
        private long timeWait = ms(60_000);     // Linux TCP_TIMEWAIT_LEN (2*MSL)
        private long finWait2Timeout = ms(60_000); // Linux tcp_fin_timeout
        private boolean keepAlive = false;
        private long keepAliveIdle = ms(7_200_000);
        private long keepAliveInterval = ms(75_000);
        private int keepAliveCount = 9;
        private long userTimeout = 0;
        private int maxOutOfOrderBytes = -1;
        private CongestionAlgorithm congestionControl = CongestionAlgorithm.CUBIC; // as Linux

        private Builder(TcpConfig c) {
            if (c != null) {
                mss = c.mss;
                receiveBuffer = c.receiveBuffer;
                sendBuffer = c.sendBuffer;
                windowScale = c.windowScale;
                timestamps = c.timestamps;
                sack = c.sack;
                noDelay = c.noDelay;
                initialCwndSegments = c.initialCwndSegments;
                rtoInitial = c.rtoInitialNanos;
                rtoMin = c.rtoMinNanos;
                rtoMax = c.rtoMaxNanos;
                delayedAck = c.delayedAckNanos;
                synRetries = c.synRetries;
                synAckRetries = c.synAckRetries;
                dataRetries = c.dataRetries;
                orphanRetries = c.orphanRetries;
                timeWait = c.timeWaitNanos;
                finWait2Timeout = c.finWait2TimeoutNanos;
                keepAlive = c.keepAlive;
                keepAliveIdle = c.keepAliveIdleNanos;
                keepAliveInterval = c.keepAliveIntervalNanos;
                keepAliveCount = c.keepAliveCount;
                userTimeout = c.userTimeoutNanos;
                maxOutOfOrderBytes = c.maxOutOfOrderBytes;
                congestionControl = c.congestionControl;
            }
        }

        private static long ms(long millis) {
            return millis * 1_000_000L;
        }

        public Builder mss(int v) { mss = v; return this; }
        public Builder receiveBuffer(int v) { receiveBuffer = v; return this; }
        public Builder sendBuffer(int v) { sendBuffer = v; return this; }
        public Builder windowScale(int v) { windowScale = v; return this; }
        public Builder timestamps(boolean v) { timestamps = v; return this; }
        public Builder sack(boolean v) { sack = v; return this; }
        public Builder noDelay(boolean v) { noDelay = v; return this; }
        public Builder initialCwndSegments(int v) { initialCwndSegments = v; return this; }
        public Builder rtoInitial(Duration d) { rtoInitial = d.toNanos(); return this; }
        public Builder rtoMin(Duration d) { rtoMin = d.toNanos(); return this; }
        public Builder rtoMax(Duration d) { rtoMax = d.toNanos(); return this; }
        public Builder delayedAck(Duration d) { delayedAck = d.toNanos(); return this; }
        public Builder synRetries(int v) { synRetries = v; return this; }
        public Builder synAckRetries(int v) { synAckRetries = v; return this; }
        public Builder dataRetries(int v) { dataRetries = v; return this; }
        public Builder orphanRetries(int v) { orphanRetries = v; return this; }
        public Builder timeWait(Duration d) { timeWait = d.toNanos(); return this; }
        public Builder finWait2Timeout(Duration d) { finWait2Timeout = d.toNanos(); return this; }
        public Builder keepAlive(boolean v) { keepAlive = v; return this; }
        public Builder keepAliveIdle(Duration d) { keepAliveIdle = d.toNanos(); return this; }
        public Builder keepAliveInterval(Duration d) { keepAliveInterval = d.toNanos(); return this; }
        public Builder keepAliveCount(int v) { keepAliveCount = v; return this; }
        public Builder userTimeout(Duration d) { userTimeout = d.toNanos(); return this; }
        public Builder maxOutOfOrderBytes(int v) { maxOutOfOrderBytes = v; return this; }
        public Builder congestionControl(CongestionAlgorithm v) { congestionControl = v; return this; }

        public TcpConfig build() {
            return new TcpConfig(mss, receiveBuffer, sendBuffer, windowScale, timestamps, sack, noDelay,
                    initialCwndSegments, rtoInitial, rtoMin, rtoMax, delayedAck, synRetries, synAckRetries,
                    dataRetries, orphanRetries, timeWait, finWait2Timeout, keepAlive, keepAliveIdle,
                    keepAliveInterval, keepAliveCount, userTimeout,
                    maxOutOfOrderBytes < 0 ? receiveBuffer : maxOutOfOrderBytes, congestionControl);
        }
    }
}
