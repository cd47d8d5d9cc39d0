package org.nbstack.tcp.bench;

import java.util.Arrays;

/**
 * One figure over the rounds of a run: its minimum, median and maximum. A benchmark reports the median, so that
 * one round slowed by the shared machine moves the minimum or maximum, not the figure.
 */
record Spread(double min, double median, double max, int rounds) {

    static Spread of(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("a figure needs at least one round");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Spread(sorted[0], median, sorted[n - 1], n);
    }
}
