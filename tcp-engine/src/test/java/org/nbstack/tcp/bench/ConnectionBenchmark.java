package org.nbstack.tcp.bench;

import io.netty.channel.Channel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Connection set-up and teardown through Netty, the engine (two engines on a {@code mem} switch) against epoll on
 * the kernel's loopback, in one run (bin/bench connections): connect latency one connection at a time (from
 * {@code connect()} until the channel is active), connections per second with 64 connects outstanding, and
 * connect + close churn one at a time (connect, close, wait for the close, next). Every figure is measured over
 * {@code bench.rounds} rounds after a warm-up round, the two transports' rounds interleaved; the figure file
 * ({@code target/bench/connections.json} or the first argument) holds the median, min and max of each (see
 * {@link FigureFile}). Not a test: it never fails on a figure.
 */
public final class ConnectionBenchmark {
    private static final int OUTSTANDING = 64;

    /** Connections per round of each workload. */
    record Sizes(int sequential, int parallel, int churn) {
        static Sizes fromProperties() {
            return new Sizes(Integer.getInteger("bench.connects", 2000), Integer.getInteger("bench.parallelConnects",
                    5000), Integer.getInteger("bench.churn", 2000));
        }

        Sizes warmUp() {
            return new Sizes(Math.max(1, sequential / 4), Math.max(1, parallel / 4), Math.max(1, churn / 4));
        }
    }

    /** One round's figures on one target. */
    record Round(double connectP50Micros, double connectP99Micros, double connectsPerSecond, double churnPerSecond) {
    }

    private ConnectionBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        run(Path.of(args.length > 0 ? args[0] : "target/bench/connections.json"), Integer.getInteger("bench.rounds", 5),
                Sizes.fromProperties(), true);
    }

    /**
     * Measures {@code rounds} rounds of {@code sizes} on both transports, after a warm-up round of a quarter of the
     * sizes when {@code warmUp}, and writes the figures to {@code out}.
     */
    static void run(Path out, int rounds, Sizes sizes, boolean warmUp) throws Exception {
        List<Round> epollRounds = new ArrayList<>();
        List<Round> engineRounds = new ArrayList<>();
        try (ConnectionTarget epoll = ConnectionTarget.epoll(1);
                ConnectionTarget engine = ConnectionTarget.engineOverMem(false)) {
            if (warmUp) {
                measure(epoll, sizes.warmUp());
                measure(engine, sizes.warmUp());
            }
            for (int r = 0; r < rounds; r++) { // interleaved, so that a change in the machine's load hits both
                epollRounds.add(measure(epoll, sizes));
                engineRounds.add(measure(engine, sizes));
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("connections_per_round", sizes.sequential + " one at a time, " + sizes.parallel + " with "
                + OUTSTANDING + " outstanding, " + sizes.churn + " churned");
        details.put("kernel", "epoll on 127.0.0.1");
        String p = "engine mem link ";
        new FigureFile()
                .add(p + "connect p50", spread(engineRounds, Round::connectP50Micros), "us",
                        spread(epollRounds, Round::connectP50Micros), details)
                .add(p + "connect p99", spread(engineRounds, Round::connectP99Micros), "us",
                        spread(epollRounds, Round::connectP99Micros), details)
                .add(p + "connections/s, " + OUTSTANDING + " connects outstanding",
                        spread(engineRounds, Round::connectsPerSecond), "conn/s",
                        spread(epollRounds, Round::connectsPerSecond), details)
                .add(p + "connect+close churn, one at a time", spread(engineRounds, Round::churnPerSecond), "conn/s",
                        spread(epollRounds, Round::churnPerSecond), details)
                .write(out);
    }

    static Spread spread(List<Round> rounds, java.util.function.ToDoubleFunction<Round> figure) {
        return Spread.of(rounds.stream().mapToDouble(figure).toArray());
    }

    /** One round of every workload on {@code t}; all its connections are closed when it returns. */
    static Round measure(ConnectionTarget t, Sizes sizes) throws InterruptedException {
        t.newRound();
        List<Channel> open = new ArrayList<>(Math.max(sizes.sequential, sizes.parallel));
        long[] nanos = new long[sizes.sequential];
        for (int i = 0; i < sizes.sequential; i++) {
            long start = System.nanoTime();
            open.add(t.connect(i).syncUninterruptibly().channel());
            nanos[i] = System.nanoTime() - start;
        }
        t.closeAll(open);
        Arrays.sort(nanos);

        double seconds = t.openAll(sizes.parallel, OUTSTANDING, open);
        t.closeAll(open);
        double connectsPerSecond = sizes.parallel / seconds;

        long start = System.nanoTime();
        for (int i = 0; i < sizes.churn; i++) {
            t.connect(i).syncUninterruptibly().channel().close().syncUninterruptibly();
        }
        double churnPerSecond = sizes.churn / ((System.nanoTime() - start) / 1e9);
        t.awaitServerOpen(0);
        return new Round(percentile(nanos, 0.50) / 1000, percentile(nanos, 0.99) / 1000, connectsPerSecond,
                churnPerSecond);
    }

    /** The {@code p} quantile of sorted values (nearest rank). */
    static double percentile(long[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))];
    }
}
