package org.nbstack.tcp.stack;

import org.nbstack.tcp.core.ConnectionTimer;
import org.nbstack.tcp.core.TcpState;
import org.nbstack.tcp.core.congestion.CongestionAlgorithm;
import org.nbstack.tcp.wire.Ipv4;

/**
 * One row of the engine's netstat: what {@code netstat -tano} shows for a kernel socket, and the congestion
 * control algorithm and window ({@code ss -ti}'s "cubic cwnd:10"); a listener has neither.
 */
public record ConnectionInfo(int localAddr, int localPort, int remoteAddr, int remotePort, TcpState state,
        int sendQueue, int receiveQueue, ConnectionTimer timer, CongestionAlgorithm congestionControl,
        int congestionWindow) {

    /** A row without congestion control: a listener. */
    public ConnectionInfo(int localAddr, int localPort, int remoteAddr, int remotePort, TcpState state,
            int sendQueue, int receiveQueue, ConnectionTimer timer) {
        this(localAddr, localPort, remoteAddr, remotePort, state, sendQueue, receiveQueue, timer, null, 0);
    }

    /** {@code cubic cwnd 14600} (bytes), or {@code -} for a listener. */
    public String congestion() {
        return congestionControl == null ? "-" : congestionControl.configName() + " cwnd " + congestionWindow;
    }

    public String local() {
        return Ipv4.toString(localAddr) + ":" + localPort;
    }

    public String remote() {
        return remoteAddr == 0 ? "0.0.0.0:*" : Ipv4.toString(remoteAddr) + ":" + remotePort;
    }

    /** {@code tcp  0  0 10.0.0.2:139  10.0.0.1:40000  ESTABLISHED  off (0.00/0/0)} */
    public String netstatLine() {
        return String.format(java.util.Locale.ROOT, "tcp %6d %6d %-22s %-22s %-12s %-22s %s", receiveQueue, sendQueue,
                local(), remote(), state.netstatName(), timer.netstat(), congestion());
    }
}
