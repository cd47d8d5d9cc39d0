package org.nbstack.tcp.link;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.nbstack.tcp.wire.Ipv4;

/**
 * {@code udp://<bind-host>:<port>?peer.<engineIPv4>=<host>:<port>&...&mtu=N&batch=N}: where the link
 * binds, which UDP endpoint serves each remote engine address, and how many datagrams one recvmmsg reads
 * (epoll loops only).
 */
final class UdpLinkUri {
    static final Set<String> KEYS = Set.of("mtu", "batch", "gso", "peer.*");
    /** Datagrams one recvmmsg reads by default: 64, or fewer so the read buffer stays within 1 MiB. */
    static final int MAX_BATCH = 1024;
    private static final int BATCH_BUFFER = 1 << 20;
    /** 1500-byte Ethernet less 28 bytes of IPv4 and UDP headers: a datagram never needs IP fragmentation. */
    static final int DEFAULT_MTU = 1472;
    private static final String EXAMPLE = "udp://127.0.0.1:11390?peer.10.139.0.2=127.0.0.1:11391";

    private UdpLinkUri() {
    }

    static UdpPacketLink.Config parse(URI uri) {
        LinkUri parsed = LinkUri.parse(uri, KEYS, "bind address", "127.0.0.1:11390");
        if (uri.getHost() == null || uri.getPort() < 0) {
            throw new IllegalArgumentException("link URI '" + uri + "' needs <bind-host>:<port> (port 0: any); write e.g. "
                    + EXAMPLE);
        }
        InetSocketAddress bind = endpoint(uri, uri.getHost(), uri.getPort(), "bind address");
        int mtu = parsed.intParam("mtu", DEFAULT_MTU, 68, UdpPacketLink.MAX_MTU);
        Map<Integer, InetSocketAddress> peers = new LinkedHashMap<>();
        parsed.params.forEach((key, value) -> {
            if (key.startsWith("peer.")) {
                peers.put(peerAddress(uri, key), peerEndpoint(uri, key, value));
            }
        });
        int batch = parsed.intParam("batch", Math.max(1, Math.min(64, BATCH_BUFFER / mtu)), 1, MAX_BATCH);
        String gso = parsed.params.getOrDefault("gso", "true");
        if (!gso.equals("true") && !gso.equals("false")) {
            throw new IllegalArgumentException("link URI '" + uri + "': gso=" + gso + " is not true or false");
        }
        return new UdpPacketLink.Config(bind, peers, mtu, batch, Boolean.parseBoolean(gso));
    }

    private static int peerAddress(URI uri, String key) {
        String address = key.substring("peer.".length());
        try {
            return Ipv4.parse(address);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("link URI '" + uri + "': in '" + key + "', '" + address
                    + "' is not an IPv4 address; write peer.<engine IPv4>=<host>:<port>, e.g. " + EXAMPLE, e);
        }
    }

    private static InetSocketAddress peerEndpoint(URI uri, String key, String value) {
        int colon = value.lastIndexOf(':');
        int port = -1;
        if (colon > 0) {
            try {
                port = Integer.parseInt(value.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("link URI '" + uri + "': " + key + "=" + value
                    + " is not <host>:<port> with a port in 1..65535; write e.g. " + EXAMPLE);
        }
        return endpoint(uri, value.substring(0, colon), port, key);
    }

    private static InetSocketAddress endpoint(URI uri, String host, int port, String what) {
        InetSocketAddress a = new InetSocketAddress(host, port);
        if (a.isUnresolved()) {
            throw new IllegalArgumentException("link URI '" + uri + "': " + what + " host '" + host
                    + "' does not resolve");
        }
        return a;
    }
}
