package org.nbstack.server.app;

/** {@code 1 session}, {@code 2 sessions}: counts in messages an operator reads. */
final class Plural {

    private Plural() {
    }

    static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
