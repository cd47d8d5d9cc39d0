package org.nbstack.tcp.stack;

import org.nbstack.tcp.core.ConnectionId;

/**
 * SYN cookies (RFC 4987 §3.6): when the SYN queue is full, the SYN-ACK's sequence number carries what
 * the handshake needs and the listener keeps no state. Layout of the 32-bit cookie:
 * 5 bits of a 64 s time counter, 2 bits of MSS table index, 25 bits of a keyed hash over the 4-tuple,
 * the peer's ISN and the counter. With timestamps, the low 5 bits of our TSval carry the peer's window
 * scale (4 bits, 15 = none) and SACK permission (1 bit); without timestamps, as on Linux, the SYN-ACK
 * offers neither, so nothing is lost.
 */
final class SynCookieCodec {
    static final int[] MSS_TABLE = {536, 1220, 1440, 1460};
    private static final long PERIOD_NANOS = 64_000_000_000L;
    private static final int HASH_BITS = 0x1ffffff;
    private static final int NO_WINDOW_SCALE = 15;
    static final int TS_OPTION_BITS = 0x1f;

    private final SipHash hash;

    SynCookieCodec(SipHash hash) {
        this.hash = hash;
    }

    /** Index of the largest table MSS not above the peer's. */
    static int mssIndex(int peerMss) {
        int index = 0;
        for (int i = 0; i < MSS_TABLE.length; i++) {
            if (MSS_TABLE[i] <= peerMss) {
                index = i;
            }
        }
        return index;
    }

    int cookie(ConnectionId id, int peerIsn, int mssIndex, long now) {
        int counter = counter(now);
        return counter << 27 | mssIndex << 25 | hashBits(id, peerIsn, counter);
    }

    /** The MSS index the cookie carries, or -1 when it is forged or older than two periods. */
    int check(ConnectionId id, int peerIsn, int cookie, long now) {
        int counter = cookie >>> 27;
        int age = (counter(now) - counter) & 0x1f;
        if (age > 1) {
            return -1;
        }
        if ((cookie & HASH_BITS) != hashBits(id, peerIsn, counter)) {
            return -1;
        }
        return cookie >>> 25 & 3;
    }

    private int hashBits(ConnectionId id, int peerIsn, int counter) {
        return (int) hash.hash(id.localAddr() ^ counter, id.remoteAddr(), id.localPort() << 16 | id.remotePort(),
                peerIsn) & HASH_BITS;
    }

    private static int counter(long now) {
        return (int) (now / PERIOD_NANOS) & 0x1f;
    }

    /** The low TSval bits: the peer's window scale (or none) and SACK permission. */
    static int optionBits(int peerWindowScale, boolean sackPermitted) {
        return (peerWindowScale < 0 ? NO_WINDOW_SCALE : Math.min(peerWindowScale, 14)) | (sackPermitted ? 0x10 : 0);
    }

    static int windowScaleFrom(int tsEcr) {
        int bits = tsEcr & 0xf;
        return bits == NO_WINDOW_SCALE ? -1 : bits;
    }

    static boolean sackFrom(int tsEcr) {
        return (tsEcr & 0x10) != 0;
    }
}
