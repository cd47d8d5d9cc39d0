package org.nbstack.tcp.netty;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import org.nbstack.tcp.wire.Ipv4;

/** Socket addresses as the engine takes them: IPv4 and resolved. */
final class Addresses {
    private Addresses() {
    }

    static InetSocketAddress inet(SocketAddress address) {
        if (!(address instanceof InetSocketAddress inet)) {
            throw new UnsupportedAddressTypeException();
        }
        if (inet.isUnresolved()) {
            throw new UnresolvedAddressException();
        }
        return inet;
    }

    /** The IPv4 address as an int; 0 for the wildcard; IPv6 is refused with a clear message. */
    static int ipv4(InetSocketAddress address) {
        if (address.getAddress().isAnyLocalAddress()) {
            return 0;
        }
        if (!(address.getAddress() instanceof Inet4Address)) {
            throw new IllegalArgumentException("the engine speaks IPv4 only, not " + address
                    + "; use an IPv4 address such as 127.0.0.1");
        }
        return Ipv4.of(address.getAddress());
    }

    static InetSocketAddress of(int address, int port) {
        return new InetSocketAddress(Ipv4.toInetAddress(address), port);
    }
}
