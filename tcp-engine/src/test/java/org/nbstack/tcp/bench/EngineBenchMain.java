package org.nbstack.tcp.bench;

import java.nio.file.Path;
import java.util.Collection;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the engine benchmarks (wire codec, receive path, engine-to-engine bulk transfer) and, in the same
 * run, the kernel's TCP over loopback as the baseline; writes target/bench/engine.json.
 * Command: {@code bin/bench engine}.
 */
public final class EngineBenchMain {
    private EngineBenchMain() {
    }

    public static void main(String[] args) throws Exception {
        Options options = new OptionsBuilder()
                .include(WireBenchmark.class.getName())
                .include(EngineBenchmark.class.getName())
                .build();
        Collection<RunResult> results = new Runner(options).run();

        // Kernel baseline for the bulk figure, best of three to damp the noise of a shared machine.
        long bytes = 1L << 30;
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            best = Math.min(best, KernelLoopbackBaseline.bulkSeconds(bytes));
        }
        double kernelGbps = bytes * 8 / best / 1e9;

        BenchReport report = new BenchReport();
        for (RunResult r : results) {
            String method = r.getParams().getBenchmark().substring(r.getParams().getBenchmark().lastIndexOf('.') + 1);
            String memory = r.getParams().getParam("memory");
            String name = "engine." + method + (memory == null ? "" : "." + memory);
            double score = r.getPrimaryResult().getScore(); // ns per operation
            if (method.equals("bulkTransferOverSimLink")) {
                double gbps = 8 / score; // one operation is one byte: bits per ns = Gbit/s
                report.add(name, gbps, "Gbit/s", kernelGbps);
            } else {
                report.add(name, score, "ns/segment", null);
            }
        }
        report.add("kernel.loopback.bulk", kernelGbps, "Gbit/s", null);
        ChecksumThroughput.addTo(report);
        Path written = report.write("engine.json");
        System.out.println(report);
        System.out.println("written to " + written.toAbsolutePath());
    }
}
