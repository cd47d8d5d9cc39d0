package org.nbstack.tcp.stack;

import org.nbstack.tcp.core.ConnectionId;

/**
 * SYN cookies (RFC 4987 §3.6): when the SYN queue is full, the SYN-ACK's sequence number carries what
 * the handshake needs and the listener keeps no state. Layout of the 32-bit cookie:
 * 5 low bits of a 64 s time counter, 2 bits of MSS table index, 25 bits of a keyed MAC. With timestamps,
 * the low 5 bits of our TSval carry the peer's window scale (4 bits, 15 = none) and SACK permission (1 bit);
 * without timestamps, as on Linux, the SYN-ACK offers neither, so nothing is lost.
 * <p>
 * The MAC covers the 4-tuple, the peer's ISN, the full time counter (not only the 5 bits that travel, so a
 * cookie is not valid again 32 periods later) and every field the cookie or the TSval encodes (MSS index,
 * option bits), so none can be altered. Only the current and the previous period are accepted (as Linux's
 * MAX_SYNCOOKIE_AGE): the validator rebuilds the full counter from its own clock.
 */
final class SynCookieCodec {
    static final int[] MSS_TABLE = {536, 1220, 1440, 1460};
    private static final long PERIOD_NANOS = 64_000_000_000L;
    /** Current and previous period: a cookie lives at most this long after it was sent. */
    static final long VALIDITY_NANOS = 2 * PERIOD_NANOS;
    private static final int COUNTER_BITS = 0x1f;
    private static final int MAC_BITS = 0x1ffffff;
    private static final int NO_WINDOW_SCALE = 15;
    static final int TS_OPTION_BITS = 0x1f;
    /** The option bits of a handshake without timestamps: no window scale, no SACK. */
    static final int NO_OPTION_BITS = optionBits(-1, false);

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

    int cookie(ConnectionId id, int peerIsn, int mssIndex, int optionBits, long now) {
        long period = period(now);
        return (int) (period & COUNTER_BITS) << 27 | mssIndex << 25 | mac(id, peerIsn, period, mssIndex, optionBits);
    }

    /**
     * The MSS index the cookie carries, or -1 when it is forged, altered (cookie or {@code optionBits}, the
     * low TSval bits the peer echoed) or older than the previous period.
     */
    int check(ConnectionId id, int peerIsn, int cookie, int optionBits, long now) {
        long current = period(now);
        long period = current - ((current - (cookie >>> 27)) & COUNTER_BITS); // the latest period with those low bits
        if (current - period > 1) {
            return -1;
        }
        int mssIndex = cookie >>> 25 & 3;
        if ((cookie & MAC_BITS) != mac(id, peerIsn, period, mssIndex, optionBits)) {
            return -1;
        }
        return mssIndex;
    }

    private int mac(ConnectionId id, int peerIsn, long period, int mssIndex, int optionBits) {
        long connection = hash.hash(id.localAddr(), id.remoteAddr(), id.localPort() << 16 | id.remotePort(), peerIsn);
        return (int) hash.hash((int) connection ^ (int) (period >>> 32), (int) (connection >>> 32), (int) period,
                mssIndex << 8 | optionBits) & MAC_BITS;
    }

    private static long period(long now) {
        return Math.floorDiv(now, PERIOD_NANOS);
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
