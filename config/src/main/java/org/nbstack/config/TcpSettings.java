package org.nbstack.config;

import java.time.Duration;

/**
 * Per-connection TCP settings of the engine; server-app maps them onto tcp-engine's {@code TcpConfig}.
 *
 * @param windowScale -1 picks the smallest shift that can advertise the receive buffer
 * @param congestionControl the congestion control algorithm of each connection
 */
public record TcpSettings(int mss, int receiveBuffer, int sendBuffer, int windowScale, boolean timestamps, boolean sack,
        boolean noDelay, int initialCwndSegments, Duration rtoInitial, Duration rtoMin, Duration rtoMax, Duration delayedAck,
        int synRetries, int synAckRetries, int dataRetries, int orphanRetries, Duration timeWait, Duration finWait2Timeout,
        KeepAliveSettings keepAlive, Duration userTimeout, int maxOutOfOrderBytes, CongestionControl congestionControl) {

    /** The congestion control algorithms ({@code congestion-control}); the first is the default. */
    public enum CongestionControl {
        /** RFC 9438 with HyStart++ (RFC 9406) and Proportional Rate Reduction (RFC 6937), as Linux. */
        CUBIC,
        /** RFC 5681 / RFC 6582. */
        NEWRENO
    }
}
