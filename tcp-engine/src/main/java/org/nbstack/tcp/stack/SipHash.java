package org.nbstack.tcp.stack;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** SipHash-2-4 (Aumasson and Bernstein, 2012): the keyed hash behind ISNs (RFC 6528) and port choice (RFC 6056). */
final class SipHash {
    private final long k0;
    private final long k1;

    SipHash(long k0, long k1) {
        this.k0 = k0;
        this.k1 = k1;
    }

    /** The hash of the 16 bytes {@code a, b, c, d} (each word little-endian), the form every engine caller uses. */
    long hash(int a, int b, int c, int d) {
        long[] v = initialState();
        compress(v, (a & 0xffffffffL) | (long) b << 32);
        compress(v, (c & 0xffffffffL) | (long) d << 32);
        compress(v, 16L << 56); // last block: no bytes left, the length (16) in the top byte
        return finish(v);
    }

    /** The hash of any message, as the reference implementation computes it (its test vectors check this). */
    long hash(byte[] message) {
        long[] v = initialState();
        int whole = message.length & ~7;
        ByteBuffer words = ByteBuffer.wrap(message).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < whole; i += 8) {
            compress(v, words.getLong(i));
        }
        long last = (long) message.length << 56; // the length mod 256 in the top byte, the 0-7 remaining bytes below
        for (int i = whole; i < message.length; i++) {
            last |= (message[i] & 0xffL) << (8 * (i - whole));
        }
        compress(v, last);
        return finish(v);
    }

    private long[] initialState() {
        return new long[] {k0 ^ 0x736f6d6570736575L, k1 ^ 0x646f72616e646f6dL, k0 ^ 0x6c7967656e657261L, k1 ^ 0x7465646279746573L};
    }

    private static long finish(long[] v) {
        v[2] ^= 0xff;
        for (int i = 0; i < 4; i++) {
            round(v);
        }
        return v[0] ^ v[1] ^ v[2] ^ v[3];
    }

    private static void compress(long[] v, long m) {
        v[3] ^= m;
        round(v);
        round(v);
        v[0] ^= m;
    }

    private static void round(long[] v) {
        v[0] += v[1];
        v[1] = Long.rotateLeft(v[1], 13);
        v[1] ^= v[0];
        v[0] = Long.rotateLeft(v[0], 32);
        v[2] += v[3];
        v[3] = Long.rotateLeft(v[3], 16);
        v[3] ^= v[2];
        v[0] += v[3];
        v[3] = Long.rotateLeft(v[3], 21);
        v[3] ^= v[0];
        v[2] += v[1];
        v[1] = Long.rotateLeft(v[1], 17);
        v[1] ^= v[2];
        v[2] = Long.rotateLeft(v[2], 32);
    }
}
