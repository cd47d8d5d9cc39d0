package org.nbstack.tcp.core.congestion;

import org.nbstack.tcp.core.TcpConfig;

/**
 * NewReno (RFC 5681 §3.1, RFC 6582): slow start by appropriate byte counting with L = 2*SMSS (RFC 3465),
 * congestion avoidance by byte counting (one SMSS per window acknowledged), ssthresh at half the flight on loss.
 */
public final class NewReno implements CongestionControl {
    private int cwnd;
    private int ssthresh = Integer.MAX_VALUE;
    private int bytesAckedInAvoidance;

    @Override
    public CongestionAlgorithm algorithm() {
        return CongestionAlgorithm.NEWRENO;
    }

    @Override
    public int cwnd() {
        return cwnd;
    }

    @Override
    public int ssthresh() {
        return ssthresh;
    }

    @Override
    public void start(long now, int initialWindow) {
        cwnd = initialWindow;
    }

    @Override
    public void resume(long now, int cwnd, int ssthresh) {
        this.cwnd = cwnd;
        this.ssthresh = ssthresh;
    }

    @Override
    public void onRttSample(long now, long sampleNanos, long smoothedNanos) {
        // NewReno does not use delay.
    }

    @Override
    public void onAck(long now, int ackedBytes, int ack, int sndNxt, int mss, boolean cwndLimited) {
        if (!cwndLimited) {
            return; // RFC 7661: do not grow a window the sender is not using
        }
        if (cwnd < ssthresh) {
            cwnd += Math.min(ackedBytes, 2 * mss); // RFC 5681 §3.1 slow start, RFC 3465 L = 2*SMSS
        } else {
            bytesAckedInAvoidance += ackedBytes; // RFC 5681 §3.1 congestion avoidance, byte counting
            if (bytesAckedInAvoidance >= cwnd) {
                bytesAckedInAvoidance -= cwnd;
                cwnd += mss;
            }
        }
        if (cwnd > TcpConfig.MAX_WINDOW) {
            cwnd = TcpConfig.MAX_WINDOW;
        }
    }

    @Override
    public void onFastRecovery(long now, int flightBytes, int mss) {
        ssthresh = Math.max(flightBytes / 2, 2 * mss); // RFC 5681 §3.2 equation 4
    }

    @Override
    public void onTailLossRepaired(long now, int mss) {
        // Linux reduces from cwnd (tcp_init_cwnd_reduction): after a repaired tail the flight is near empty.
        ssthresh = Math.max(cwnd / 2, 2 * mss);
        cwnd = ssthresh;
        bytesAckedInAvoidance = 0;
    }

    @Override
    public void onRetransmitTimeout(long now, int flightBytes, int mss) {
        // RFC 5681 §3.1 equation 4, and the loss window of one segment.
        ssthresh = Math.max(flightBytes / 2, 2 * mss);
        cwnd = mss;
        bytesAckedInAvoidance = 0;
    }

    @Override
    public void setCwnd(int bytes) {
        cwnd = bytes;
        bytesAckedInAvoidance = 0;
    }

    @Override
    public void undo(int priorCwnd, int priorSsthresh) {
        cwnd = Math.max(cwnd, priorCwnd);
        ssthresh = Math.max(ssthresh, priorSsthresh);
        bytesAckedInAvoidance = 0;
    }
}
