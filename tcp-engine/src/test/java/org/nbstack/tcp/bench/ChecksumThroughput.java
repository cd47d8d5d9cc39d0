package org.nbstack.tcp.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.nbstack.tcp.wire.Checksum;

/**
 * The TCP checksum's own speed, without JMH: {@link Checksum#add} over one 64 KiB packet (the mem link's
 * largest) and one full-sized 1448-octet payload, in pooled direct and heap buffers, and {@link Checksum#copyAndAdd}
 * (the copy that encode makes, summed on the way) against a plain copy of the same bytes as its baseline. Each
 * figure is the median of several rounds after a warm-up, in GB/s (10^9 octets per second) of the thread's own CPU
 * time, so that a machine shared with other work does not count its waiting. Not a test.
 */
final class ChecksumThroughput {
    private static final int ROUNDS = 7;
    private static final long BYTES_PER_ROUND = 256L << 20;
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private ChecksumThroughput() {
    }

    static void addTo(BenchReport report) {
        for (boolean direct : new boolean[] {true, false}) {
            String memory = direct ? "direct" : "heap";
            for (int size : new int[] {65_535, 1_448}) {
                ByteBuf src = buffer(direct, size);
                ByteBuf dst = direct ? PooledByteBufAllocator.DEFAULT.directBuffer(size)
                        : PooledByteBufAllocator.DEFAULT.heapBuffer(size);
                try {
                    report.add("checksum.add." + memory + "." + size,
                            gigabytesPerSecond(size, () -> Checksum.add(0, src, 0, size)), "GB/s", null);
                    double copy = gigabytesPerSecond(size, () -> {
                        dst.setBytes(0, src, 0, size);
                        return dst.getByte(size - 1);
                    });
                    report.add("checksum.copyAndAdd." + memory + "." + size,
                            gigabytesPerSecond(size, () -> Checksum.copyAndAdd(0, src, 0, dst, 0, size)), "GB/s", copy);
                } finally {
                    src.release();
                    dst.release();
                }
            }
        }
    }

    private static ByteBuf buffer(boolean direct, int size) {
        byte[] bytes = new byte[size];
        new SplittableRandom(1071).nextBytes(bytes);
        ByteBuf buf = direct ? PooledByteBufAllocator.DEFAULT.directBuffer(size) : PooledByteBufAllocator.DEFAULT.heapBuffer(size);
        return buf.writeBytes(bytes);
    }

    private static double gigabytesPerSecond(int size, java.util.function.LongSupplier pass) {
        long passes = BYTES_PER_ROUND / size;
        long sink = 0;
        for (long i = 0; i < passes; i++) { // warm-up: let the JIT compile the loop
            sink += pass.getAsLong();
        }
        double[] rates = new double[ROUNDS];
        for (int r = 0; r < ROUNDS; r++) {
            long start = CPU.getCurrentThreadCpuTime();
            for (long i = 0; i < passes; i++) {
                sink += pass.getAsLong();
            }
            rates[r] = (double) passes * size / (CPU.getCurrentThreadCpuTime() - start);
        }
        if (sink == 42) {
            System.out.print(""); // keeps the results alive
        }
        Arrays.sort(rates);
        return rates[ROUNDS / 2];
    }
}
