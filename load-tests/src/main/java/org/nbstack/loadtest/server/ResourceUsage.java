package org.nbstack.loadtest.server;

/**
 * A server's resource use at one moment.
 *
 * @param cpuNanos      CPU time used since it started (user + system)
 * @param rssBytes      resident memory now
 * @param peakRssBytes  the highest resident memory so far
 * @param scope         what was measured, e.g. "server event-loop threads; RSS of the whole load-test JVM"
 */
public record ResourceUsage(long cpuNanos, long rssBytes, long peakRssBytes, String scope) {

    /** CPU cores used on average between {@code earlier} and this, over {@code wallNanos}. */
    public double coresSince(ResourceUsage earlier, long wallNanos) {
        return wallNanos <= 0 ? 0 : (double) (cpuNanos - earlier.cpuNanos) / wallNanos;
    }
}
