package org.nbstack.loadtest.report;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** Latencies of one kind of request in microseconds (Gatling keeps only milliseconds), with its OK and KO counts. */
public final class RequestStats {

    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);

    private final ConcurrentHistogram latencies = new ConcurrentHistogram(1, HIGHEST_MICROS, 3);
    private final LongAdder ok = new LongAdder();
    private final LongAdder ko = new LongAdder();
    private final AtomicLong firstStartNanos = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastEndNanos = new AtomicLong(Long.MIN_VALUE);

    /** A consistent copy of the figures. */
    public record Snapshot(Histogram latencies, long ok, long ko, long firstStartNanos, long lastEndNanos) {

        /** OK responses per second between the first request's start and the last one's end. */
        public double okPerSecond() {
            long span = lastEndNanos - firstStartNanos;
            return span <= 0 ? 0 : ok * 1e9 / span;
        }

        public long percentileMicros(double percentile) {
            return latencies.getTotalCount() == 0 ? 0 : latencies.getValueAtPercentile(percentile);
        }
    }

    /** Records a successful request's latency, or counts a failed one (failures are timeouts, not latencies). */
    public void record(long startNanos, long endNanos, boolean success) {
        firstStartNanos.accumulateAndGet(startNanos, Math::min);
        lastEndNanos.accumulateAndGet(endNanos, Math::max);
        if (success) {
            ok.increment();
            latencies.recordValue(Math.min(HIGHEST_MICROS, Math.max(1, (endNanos - startNanos) / 1000)));
        } else {
            ko.increment();
        }
    }

    public Snapshot snapshot() {
        return new Snapshot(latencies.copy(), ok.sum(), ko.sum(), firstStartNanos.get(), lastEndNanos.get());
    }
}
