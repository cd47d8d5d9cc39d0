package org.nbstack.netbios.session;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** Addresses as log lines and views show them: {@code 127.0.0.1:139}, without {@link InetSocketAddress}'s leading slash. */
public final class HostPort {

    private HostPort() {
    }

    public static String of(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet.getHostString() + ":" + inet.getPort() : String.valueOf(address);
    }

    /** The host part alone ({@code 127.0.0.1}), for lines about a remote address rather than one connection. */
    public static String host(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet.getHostString() : String.valueOf(address);
    }
}
