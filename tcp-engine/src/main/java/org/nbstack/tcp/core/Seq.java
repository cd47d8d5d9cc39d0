package org.nbstack.tcp.core;

/**
 * Sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4, RFC 1982 serial arithmetic). Every
 * comparison of sequence numbers, acknowledgments, window edges and timestamps in the engine goes
 * through here; values are ints holding the unsigned 32-bit number, and are never widened to long to
 * be compared.
 */
public final class Seq {
    private Seq() {
    }

    /** a < b in sequence space: b lies within the 2^31 numbers after a. */
    public static boolean lt(int a, int b) {
        return a - b < 0;
    }

    public static boolean le(int a, int b) {
        return a - b <= 0;
    }

    public static boolean gt(int a, int b) {
        return a - b > 0;
    }

    public static boolean ge(int a, int b) {
        return a - b >= 0;
    }

    /** Signed distance from a to b (b - a), valid when the two are less than 2^31 apart. */
    public static int diff(int a, int b) {
        return b - a;
    }

    /** lo <= x < hi, the half-open window test of RFC 9293 §3.10.7.4. */
    public static boolean inWindow(int x, int lo, int hi) {
        return x - lo >= 0 && x - hi < 0;
    }

    /** lo <= x <= hi. */
    public static boolean between(int x, int lo, int hi) {
        return x - lo >= 0 && hi - x >= 0;
    }

    public static int max(int a, int b) {
        return gt(a, b) ? a : b;
    }

    public static int min(int a, int b) {
        return lt(a, b) ? a : b;
    }
}
