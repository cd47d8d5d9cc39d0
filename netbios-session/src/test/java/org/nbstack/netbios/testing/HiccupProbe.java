package org.nbstack.netbios.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Records moments when the whole test JVM stood still (in the manner of jHiccup): a thread of its own that
 * sleeps 1 ms at a time and notes when it woke up late by more than a threshold. GC pauses, safepoints and
 * the OS leaving the process without a CPU (other builds on a 2-core machine) stop it as much as every client
 * and event loop; one NetBIOS session blocking another does not, since the probe is none of the server's threads.
 */
public final class HiccupProbe implements AutoCloseable {

    private final long thresholdNanos;
    private final List<long[]> hiccups = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    public HiccupProbe(long threshold, TimeUnit unit) {
        this.thresholdNanos = unit.toNanos(threshold);
        this.thread = Thread.ofPlatform().daemon().name("hiccup-probe").priority(Thread.MAX_PRIORITY).start(this::run);
    }

    private void run() {
        long tick = TimeUnit.MILLISECONDS.toNanos(1);
        while (running) {
            long before = System.nanoTime();
            LockSupport.parkNanos(tick);
            long after = System.nanoTime();
            if (after - before - tick > thresholdNanos) {
                hiccups.add(new long[] {before + tick, after});
            }
        }
    }

    /** Whether the JVM stood still at some time in [from, to] (nanoTime). */
    public boolean overlaps(long from, long to) {
        for (long[] hiccup : hiccups) {
            if (hiccup[0] < to && hiccup[1] > from) {
                return true;
            }
        }
        return false;
    }

    public int count() {
        return hiccups.size();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
    }
}
