package org.nbstack.netbios.testing;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.ThreadExecutorMap;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the Linux scheduler did to this JVM's threads while a wall-clock test ran, from {@code /proc/self/task/<tid>/schedstat}
 * (time on a CPU, time runnable but waiting for one). It tells the two causes of a late event apart:
 *
 * <ul>
 *   <li><b>CPU starvation</b>: a thread was ready to run and the kernel ran something else (other builds, the
 *   {@code bin/test-under-load} burners). That is run-queue wait, {@link #maxRunQueueWaitNanos}: no fault of the code
 *   under test, and on a busy 2-core machine it reaches seconds (measured: engine loop threads waiting 92% of the
 *   time they wanted a CPU, at a load average of 20).</li>
 *   <li><b>A stall</b>: an event loop that sleeps or blocks (a lock, a blocking queue, a blocking write to a peer that
 *   does not read) while work is due on it. The thread is then neither running nor waiting for a CPU, so run-queue
 *   wait does not excuse it. {@link #watch} measures exactly that with a heartbeat on the loop:
 *   {@link #longestHeartbeatGap}. Garbage-collection pauses stop every thread of the JVM alike and are not counted
 *   (under starvation a young collection's pause took up to 0.4 s, its GC threads waiting for a CPU).</li>
 *   <li><b>A long pass of work</b>: a loop busy on one thing (a batch without a bound) holds its other channels as
 *   surely as a blocked one; the heartbeat sees it as CPU time between two beats: {@link #longestLoopBusy}.</li>
 * </ul>
 *
 * <p>Without a readable schedstat (not Linux) nothing is excused: the run-queue wait reads 0 and every gap between
 * heartbeats beyond the period counts as blocked, so the criteria stay as strict as plain wall-clock bounds.
 */
public final class SchedulerAccounting implements AutoCloseable {

    private static final Duration SAMPLE_PERIOD = Duration.ofMillis(20);
    private static final Duration HEARTBEAT_PERIOD = Duration.ofMillis(10);

    /** One reading of every thread's cumulative run-queue wait, at a nanoTime. */
    private record Sample(long nanoTime, Map<String, Long> waitByThread) {
    }

    /** Two heartbeats of a watched loop: how long it was blocked (neither running nor waiting for a CPU, GC aside) between them. */
    public record HeartbeatGap(String loop, long blockedNanos, long wallNanos, long cpuNanos, long runQueueNanos) {
        @Override
        public String toString() {
            return loop + " blocked " + blockedNanos / 1_000_000 + " ms in a heartbeat gap of " + wallNanos / 1_000_000
                    + " ms (" + cpuNanos / 1_000_000 + " ms on a CPU, " + runQueueNanos / 1_000_000 + " ms waiting for one)";
        }
    }

    private final List<Sample> samples = new ArrayList<>();
    private final Thread sampler;
    private final Set<EventExecutor> watched = ConcurrentHashMap.newKeySet();
    private final List<ScheduledFuture<?>> heartbeats = new ArrayList<>();
    private final AtomicReference<HeartbeatGap> longestBlock = new AtomicReference<>();
    private final AtomicReference<HeartbeatGap> longestBusy = new AtomicReference<>();
    private volatile boolean running = true;

    private SchedulerAccounting() {
        sampler = Thread.ofPlatform().daemon().name("scheduler-accounting").start(this::sampleLoop);
    }

    public static SchedulerAccounting start() {
        return new SchedulerAccounting();
    }

    private void sampleLoop() {
        while (running) {
            Map<String, Long> waits = new HashMap<>();
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
                for (Path task : tasks) {
                    long[] stat = schedstat(task.resolve("schedstat"));
                    if (stat != null) {
                        waits.put(task.getFileName().toString(), stat[1]);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // no /proc: nothing is excused
            }
            synchronized (samples) {
                samples.add(new Sample(System.nanoTime(), waits));
            }
            try {
                Thread.sleep(SAMPLE_PERIOD);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** {run, wait} in nanoseconds, or null. */
    private static long[] schedstat(Path file) {
        try {
            String[] fields = Files.readString(file).trim().split(" ");
            return new long[] {Long.parseLong(fields[0]), Long.parseLong(fields[1])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The longest run-queue wait any one thread of this JVM accrued between {@code fromNanos} and {@code toNanos}
     * (System.nanoTime scale; widened to the samples around them, 20 ms apart): how long the machine, not the code,
     * held up the work in that interval at most.
     */
    public long maxRunQueueWaitNanos(long fromNanos, long toNanos) {
        Sample before = null;
        Sample after = null;
        synchronized (samples) {
            for (Sample s : samples) {
                if (s.nanoTime <= fromNanos) {
                    before = s;
                }
                if (s.nanoTime >= toNanos) {
                    after = s;
                    break;
                }
            }
            if (after == null && !samples.isEmpty()) {
                after = samples.getLast();
            }
        }
        if (before == null || after == null) {
            return 0;
        }
        long max = 0;
        for (Map.Entry<String, Long> e : after.waitByThread.entrySet()) {
            Long start = before.waitByThread.get(e.getKey());
            max = Math.max(max, e.getValue() - (start == null ? 0 : start));
        }
        return max;
    }

    /**
     * Watches the event loop this is called on (from a handler running there, e.g. a listener's session handler);
     * once per loop. Its heartbeat runs every 10 ms and reads the loop thread's own schedstat.
     */
    public void watchCurrentLoop() {
        EventExecutor loop = ThreadExecutorMap.currentExecutor();
        if (loop != null) {
            watch(loop);
        }
    }

    public void watch(EventExecutor loop) {
        if (!running || !watched.add(loop)) {
            return;
        }
        Heartbeat beat = new Heartbeat(loop.toString());
        synchronized (heartbeats) {
            heartbeats.add(loop.scheduleAtFixedRate(beat, 0, HEARTBEAT_PERIOD.toNanos(), TimeUnit.NANOSECONDS));
        }
    }

    /**
     * The longest time a watched loop slept or blocked while its heartbeat was due: wall time between two heartbeats
     * less the heartbeat period, the loop's CPU time and its run-queue wait. A loop held by a stalled peer shows its
     * whole hold here, however busy the machine; a starved loop shows nothing. Null when no loop was watched.
     */
    public HeartbeatGap longestHeartbeatGap() {
        return longestBlock.get();
    }

    /** The most CPU time a watched loop spent between two heartbeats: its longest pass of work. Null when none watched. */
    public HeartbeatGap longestLoopBusy() {
        return longestBusy.get();
    }

    /** Milliseconds this JVM spent in stop-the-world collection pauses so far (collectors' concurrent work excluded). */
    private static long gcPauseMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!gc.getName().contains("Concurrent")) {
                total += Math.max(0, gc.getCollectionTime());
            }
        }
        return total;
    }

    public int watchedLoops() {
        return watched.size();
    }

    private final class Heartbeat implements Runnable {
        private final String loop;
        private long lastWall;
        private long lastRun;
        private long lastWait;
        private long lastGcMillis;

        Heartbeat(String loop) {
            this.loop = loop;
        }

        @Override
        public void run() {
            long wall = System.nanoTime();
            long[] stat = schedstat(Path.of("/proc/thread-self/schedstat"));
            long run = stat == null ? 0 : stat[0];
            long wait = stat == null ? 0 : stat[1];
            long gcMillis = gcPauseMillis();
            if (lastWall != 0) {
                long gap = wall - lastWall;
                long gcPause = TimeUnit.MILLISECONDS.toNanos(gcMillis - lastGcMillis);
                long blocked = gap - HEARTBEAT_PERIOD.toNanos() - (run - lastRun) - (wait - lastWait) - gcPause;
                HeartbeatGap block = new HeartbeatGap(loop, blocked, gap, run - lastRun, wait - lastWait);
                longestBlock.accumulateAndGet(block, (a, b) -> a == null || b.blockedNanos > a.blockedNanos ? b : a);
                longestBusy.accumulateAndGet(block, (a, b) -> a == null || b.cpuNanos > a.cpuNanos ? b : a);
            }
            lastWall = wall;
            lastRun = run;
            lastWait = wait;
            lastGcMillis = gcMillis;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        synchronized (heartbeats) {
            heartbeats.forEach(h -> h.cancel(false));
        }
        sampler.interrupt();
        sampler.join(1000);
    }
}
