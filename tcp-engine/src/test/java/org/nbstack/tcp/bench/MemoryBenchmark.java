package org.nbstack.tcp.bench;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.channel.Channel;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Memory per connection through Netty, the engine (two engines on a {@code mem} switch) against epoll on the
 * kernel's loopback, in one run (bin/bench memory), for each count of {@code bench.connections} (default 10,000
 * and 50,000): the JVM heap per idle connection end (live heap after a full GC with the connections open, less
 * before, over both ends), for epoll also the kernel's socket slab per end (from /proc/slabinfo, readable as
 * root), and the growth of the pooled allocator (used direct + heap memory) when each connection then writes
 * 64 bytes and the server has read them all. Each round sets both transports up afresh (event loops, engines,
 * servers) so that tables grown in one round are counted again in the next. epoll holds two descriptors per
 * connection in this one JVM, so it measures as many connections as the open file limit allows and says so.
 * Writes {@code target/bench/memory.json} (or the first argument). Not a test: it never fails on a figure.
 */
public final class MemoryBenchmark {
    private static final int OUTSTANDING = 64;
    private static final int WRITE_BYTES = 64;
    private static final double MIB = 1024.0 * 1024;
    /** Descriptors kept free for the JVM's own files and the event loops. */
    private static final int SPARE_DESCRIPTORS = 1000;
    /** Connections per destination address the kernel's ephemeral range can take, less a margin. */
    private static final int CONNECTIONS_PER_ADDRESS = 25_000;
    /**
     * The kernel caches an idle loopback socket end occupies: the TCP socket, its socket inode, file and dentry,
     * and the epoll item; small per-socket kmalloc allocations are not counted, so the estimate is a lower bound.
     */
    static final List<String> SOCKET_CACHES = List.of("TCP", "sock_inode_cache", "filp", "dentry", "eventpoll_epi",
            "eventpoll_pwq", "tcp_bind_bucket", "tcp_bind2_bucket");

    /** One round on one target with {@code connections} connections. */
    record Round(int connections, double heapPerEnd, double kernelSlabPerEnd, double poolPerIdleEnd,
            double poolGrowthAtReceiptMiB, double poolGrowthMiB) {
    }

    private MemoryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<Integer> counts = new ArrayList<>();
        for (String c : System.getProperty("bench.connections", "10000,50000").split(",")) {
            counts.add(Integer.parseInt(c.trim()));
        }
        run(Path.of(args.length > 0 ? args[0] : "target/bench/memory.json"), Integer.getInteger("bench.rounds", 5),
                counts, true);
    }

    /**
     * Measures {@code rounds} rounds of each count on both transports, after a warm-up round of a tenth of the count
     * when {@code warmUp}, and writes the figures to {@code out}.
     */
    static void run(Path out, int rounds, List<Integer> counts, boolean warmUp) throws Exception {
        long fileLimit = openFileLimit();
        int epollLimit = (int) Math.min(Integer.MAX_VALUE, Math.max(1, (fileLimit - SPARE_DESCRIPTORS) / 2));
        FigureFile figures = new FigureFile();
        for (int count : counts) {
            int epollCount = Math.min(count, epollLimit);
            if (warmUp) {
                measure(() -> ConnectionTarget.engineOverMem(true), Math.max(1, count / 10));
                measure(() -> ConnectionTarget.epoll(1), Math.max(1, epollCount / 10));
            }
            List<Round> engine = new ArrayList<>();
            List<Round> epoll = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                engine.add(measure(() -> ConnectionTarget.engineOverMem(true), count));
                epoll.add(measure(() -> ConnectionTarget.epoll(1 + (epollCount - 1) / CONNECTIONS_PER_ADDRESS), epollCount));
            }
            String k = count % 1000 == 0 ? count / 1000 + "k" : String.valueOf(count);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("connections", count);
            details.put("kernel_connections", epollCount == count ? (Object) count
                    : epollCount + " (open file limit " + fileLimit + ": two descriptors per connection in one JVM)");
            details.put("pool_per_idle_end_bytes", spread(engine, Round::poolPerIdleEnd).median());
            details.put("kernel_pool_per_idle_end_bytes", spread(epoll, Round::poolPerIdleEnd).median());
            Spread slab = spread(epoll, Round::kernelSlabPerEnd);
            Spread epollHeap = spread(epoll, Round::heapPerEnd);
            boolean slabRead = !Double.isNaN(slab.median());
            Spread kernelTotal = slabRead ? spread(epoll, r -> r.heapPerEnd() + r.kernelSlabPerEnd()) : epollHeap;
            details.put("kernel", slabRead ? "epoll: Netty channel heap + kernel socket slab (" + String.join(", ",
                    SOCKET_CACHES) + ", from /proc/slabinfo; kmalloc not counted)"
                    : "epoll: Netty channel heap only; kernel socket slab not counted (/proc/slabinfo not readable)");
            figures.add("engine mem link heap per idle connection end, " + k + " connections",
                    spread(engine, Round::heapPerEnd), "B", kernelTotal, details);
            figures.add("epoll heap per idle connection end, " + k + " connections", epollHeap, "B", null,
                    Map.of("connections", epollCount));
            if (slabRead) {
                Map<String, Object> caches = new LinkedHashMap<>();
                caches.put("connections", epollCount);
                caches.put("caches", String.join(", ", SOCKET_CACHES));
                figures.add("epoll kernel socket slab per idle connection end, " + k + " connections", slab, "B", null,
                        caches);
            }
            // the kernel's growth, scaled to the engine's count when it measured fewer connections
            double scale = (double) count / epollCount;
            Map<String, Object> growth = new LinkedHashMap<>();
            growth.put("connections", count);
            growth.put("kernel_connections", epollCount);
            growth.put("kernel_scaled", scale == 1 ? "no" : String.format(Locale.ROOT,
                    "x %.2f (measured on %d connections)", scale, epollCount));
            growth.put("at_receipt_MiB", spread(engine, Round::poolGrowthAtReceiptMiB).median());
            growth.put("kernel_at_receipt_MiB", spread(epoll, r -> r.poolGrowthAtReceiptMiB() * scale).median());
            growth.put("allocator", ByteBufAllocator.DEFAULT.getClass().getSimpleName());
            figures.add("engine mem link pool growth, " + k + " connections each writing " + WRITE_BYTES + " B",
                    spread(engine, Round::poolGrowthMiB), "MiB", spread(epoll, r -> r.poolGrowthMiB() * scale),
                    growth);
        }
        figures.write(out);
    }

    static Spread spread(List<Round> rounds, ToDoubleFunction<Round> figure) {
        return Spread.of(rounds.stream().mapToDouble(figure).toArray());
    }

    /**
     * One round on a target set up by {@code setUp} and closed when this returns, once the threads it started
     * (its event loops) have ended: until then they hold what the target held, which the next round would count.
     */
    static Round measure(Supplier<ConnectionTarget> setUp, int count) throws InterruptedException {
        Set<Thread> earlier = Thread.getAllStackTraces().keySet();
        try (ConnectionTarget target = setUp.get()) {
            return measure(target, count);
        } finally {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (!earlier.contains(t)) {
                    t.join(30_000);
                }
            }
        }
    }

    private static Round measure(ConnectionTarget target, int count) throws InterruptedException {
        List<Channel> open = new ArrayList<>(count);
        long heapBefore = liveHeap();
        long slabBefore = kernelSocketSlab();
        long poolBefore = poolUsed();
        target.openAll(count, OUTSTANDING, open);
        target.awaitServerOpen(count);
        long heapIdle = liveHeap();
        long slabIdle = kernelSocketSlab();
        long poolIdle = poolUsed();
        for (Channel ch : open) {
            ch.writeAndFlush(ch.alloc().directBuffer(WRITE_BYTES).writeZero(WRITE_BYTES), ch.voidPromise());
        }
        target.awaitServerReceived((long) count * WRITE_BYTES);
        long poolReceived = poolUsed();
        Thread.sleep(500); // the acknowledgements (delayed up to 200 ms) release what the senders still held
        long poolWritten = poolUsed();
        target.closeAll(open);
        double ends = 2.0 * count;
        return new Round(count, (heapIdle - heapBefore) / ends,
                slabBefore < 0 || slabIdle < 0 ? Double.NaN : (slabIdle - slabBefore) / ends,
                (poolIdle - poolBefore) / ends, (poolReceived - poolIdle) / MIB, (poolWritten - poolIdle) / MIB);
    }

    /**
     * Bytes of live objects: the total of the JVM's class histogram, which collects the heap first (jcmd
     * GC.class_histogram, asked in-process). The heap's used figure after {@code System.gc()} is not this: after a
     * round of 50,000 engine connections it still read about 190 MB more than the objects the histogram found.
     */
    static long liveHeap() {
        try {
            String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {null}, new String[] {String[].class.getName()});
            for (String line : histogram.lines().toList().reversed()) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 3 && f[0].equals("Total")) {
                    return Long.parseLong(f[2]);
                }
            }
            throw new IllegalStateException("the class histogram has no Total line");
        } catch (JMException e) {
            throw new IllegalStateException("cannot read the class histogram", e);
        }
    }

    /** Memory the default allocator holds (direct and heap); 0 when it does not publish metrics. */
    static long poolUsed() {
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
            ByteBufAllocatorMetric metric = provider.metric();
            return metric.usedDirectMemory() + metric.usedHeapMemory();
        }
        return 0;
    }

    /** Bytes of the {@link #SOCKET_CACHES} in use (active objects x object size); -1 when not readable. */
    static long kernelSocketSlab() {
        try {
            long bytes = 0;
            for (String line : Files.readAllLines(Path.of("/proc/slabinfo"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && SOCKET_CACHES.contains(f[0])) {
                    bytes += Long.parseLong(f[1]) * Long.parseLong(f[3]);
                }
            }
            return bytes;
        } catch (IOException | RuntimeException e) {
            return -1; // not root, or not Linux
        }
    }

    /** The soft limit on open files of this process (Max open files in /proc/self/limits). */
    static long openFileLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through: assume the common default
        }
        return 1024;
    }
}
