package org.nbstack.tcp.stack;

import org.nbstack.tcp.core.ConnectionId;

/**
 * Keyed, unguessable per-connection numbers: initial sequence numbers (RFC 6528 §3), timestamp offsets
 * (RFC 7323 §5.4, per address pair as Linux does) and the ephemeral port search offset (RFC 6056 §3.3.3).
 */
final class ConnectionSecrets {
    /** RFC 6528 §3: the ISN clock M ticks every 4 microseconds. */
    private static final long ISN_TICK_NANOS = 4_000L;

    private final SipHash isnHash;
    private final SipHash tsHash;
    private final SipHash portHash;
    private final SynCookieCodec cookies;

    ConnectionSecrets(java.util.random.RandomGenerator random) {
        isnHash = new SipHash(random.nextLong(), random.nextLong());
        tsHash = new SipHash(random.nextLong(), random.nextLong());
        portHash = new SipHash(random.nextLong(), random.nextLong());
        cookies = new SynCookieCodec(new SipHash(random.nextLong(), random.nextLong()));
    }

    SynCookieCodec cookies() {
        return cookies;
    }

    /** ISN = M + F(localip, localport, remoteip, remoteport, secretkey) (RFC 6528 §3). */
    int initialSequenceNumber(ConnectionId id, long now) {
        int f = (int) isnHash.hash(id.localAddr(), id.remoteAddr(), id.localPort() << 16 | id.remotePort(), 0);
        return (int) (now / ISN_TICK_NANOS) + f;
    }

    int timestampOffset(int localAddr, int remoteAddr) {
        return (int) tsHash.hash(localAddr, remoteAddr, 0, 1);
    }

    /** RFC 6056 §3.3.3 (Algorithm 3): F(local IP, remote IP, remote port, secret). */
    int portOffset(int localAddr, int remoteAddr, int remotePort) {
        return (int) portHash.hash(localAddr, remoteAddr, remotePort, 2) & 0x7fffffff;
    }
}
