package org.nbstack.config;

import java.time.Duration;

/**
 * Per-connection TCP settings of the engine; server-app maps them onto tcp-engine's {@code TcpConfig}.
 *
 * @param windowScale -1 picks the smallest shift that can advertise the receive buffer
 */
public record TcpSettings(int mss, int receiveBuffer, int sendBuffer, int windowScale, boolean timestamps, boolean sack,
        boolean noDelay, int initialCwndSegments, Duration rtoInitial, Duration rtoMin, Duration rtoMax, Duration delayedAck,
        int synRetries, int synAckRetries, int dataRetries, int orphanRetries, Duration timeWait, Duration finWait2Timeout,
        KeepAliveSettings keepAlive, Duration userTimeout, int maxOutOfOrderBytes) {
}
