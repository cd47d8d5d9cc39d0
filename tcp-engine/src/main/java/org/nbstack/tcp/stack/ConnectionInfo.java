package org.nbstack.tcp.stack;

import org.nbstack.tcp.core.ConnectionTimer;
import org.nbstack.tcp.core.TcpState;
import org.nbstack.tcp.wire.Ipv4;

/** One row of the engine's netstat: what {@code netstat -tano} shows for a kernel socket. */
public record ConnectionInfo(int localAddr, int localPort, int remoteAddr, int remotePort, TcpState state,
        int sendQueue, int receiveQueue, ConnectionTimer timer) {

    public String local() {
        return Ipv4.toString(localAddr) + ":" + localPort;
    }

    public String remote() {
        return remoteAddr == 0 ? "0.0.0.0:*" : Ipv4.toString(remoteAddr) + ":" + remotePort;
    }

    /** {@code tcp  0  0 10.0.0.2:139  10.0.0.1:40000  ESTABLISHED  off (0.00/0/0)} */
    public String netstatLine() {
        return String.format(java.util.Locale.ROOT, "tcp %6d %6d %-22s %-22s %-12s %s", receiveQueue, sendQueue,
                local(), remote(), state.netstatName(), timer.netstat());
    }
}
