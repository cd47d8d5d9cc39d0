package org.nbstack.netbios.client;

import java.net.InetSocketAddress;

/** The server retargeted the session more often than the client follows (RFC 1002 §5.2.1.2 retarget loop bound). */
public final class SessionRetargetedException extends NetbiosSessionException {

    private final InetSocketAddress target;

    public SessionRetargetedException(InetSocketAddress target, int hops) {
        super("the session was retargeted " + hops + " time(s), last to " + target + ", more than the client follows");
        this.target = target;
    }

    public InetSocketAddress target() {
        return target;
    }
}
