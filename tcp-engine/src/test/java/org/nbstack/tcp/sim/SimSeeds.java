package org.nbstack.tcp.sim;

import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a simulated test over many seeds and turns the first failure into a report a developer can act on:
 * the seed, the failure, the tail of the trace, and the one command that replays exactly that run.
 *
 * <p>Seeds are {@code [firstSeed, firstSeed + count)}; {@code -Dnbstack.sim.seeds=N} overrides the count,
 * {@code -Dnbstack.sim.seed=S} runs seed S alone, {@code -Dnbstack.sim.firstSeed=F} starts the range at F,
 * and {@code -Dnbstack.sim.trace=true} writes the whole
 * trace of each seed to {@code target/sim-trace-<seed>.txt}. Every {@link SimWorld} the scenario builds
 * (on the calling thread) writes to the run's trace. An untraced run that fails is run once more with an
 * in-memory trace, which is how the report gets its tail without slowing the passing runs down; a seed
 * that passes on that second run is reported as non-deterministic.
 */
public final class SimSeeds {
    public static final String SEED_PROPERTY = "nbstack.sim.seed";
    public static final String SEEDS_PROPERTY = "nbstack.sim.seeds";
    /** First seed of the range, so that a long soak can run in chunks ({@code -Dnbstack.sim.firstSeed=1000001}). */
    public static final String FIRST_SEED_PROPERTY = "nbstack.sim.firstSeed";
    public static final String TRACE_PROPERTY = "nbstack.sim.trace";
    /** Trace lines a failure report shows. */
    public static final int TAIL_LINES = 100;
    private static final Logger log = LoggerFactory.getLogger(SimSeeds.class);

    private SimSeeds() {
    }

    /** Runs {@code scenario} for each seed; the calling test method names the replay command. */
    public static void run(long firstSeed, int defaultCount, SimScenario scenario) {
        run(SeededTest.callerOf(SimSeeds.class), firstSeed, defaultCount, scenario);
    }

    /** As {@link #run(long, int, SimScenario)}, naming the test explicitly for the replay command. */
    public static void run(Class<?> testClass, String testMethod, long firstSeed, int defaultCount, SimScenario scenario) {
        run(SeededTest.of(testClass, testMethod), firstSeed, defaultCount, scenario);
    }

    private static void run(SeededTest test, long firstSeed, int defaultCount, SimScenario scenario) {
        if (defaultCount < 1) {
            throw new IllegalArgumentException("defaultCount must be at least 1, got " + defaultCount);
        }
        boolean traceToFile = Boolean.getBoolean(TRACE_PROPERTY);
        String single = System.getProperty(SEED_PROPERTY);
        String seeds = System.getProperty(SEEDS_PROPERTY);
        String from = System.getProperty(FIRST_SEED_PROPERTY);
        long first = single != null ? parseLong(SEED_PROPERTY, single)
                : from != null ? parseLong(FIRST_SEED_PROPERTY, from) : firstSeed;
        long count = single != null ? 1 : seeds != null ? parseLong(SEEDS_PROPERTY, seeds) : defaultCount;
        for (long i = 0; i < count; i++) {
            long seed = first + i;
            SimTrace trace = traceToFile ? SimTrace.toFile(TAIL_LINES, traceFile(seed)) : null;
            Throwable failure = attempt(scenario, seed, trace);
            if (trace != null) {
                log.info("simulation trace of {} seed {} written to {}", test.testClass() + "#" + test.method(), seed,
                        trace.file().toAbsolutePath());
            }
            if (failure != null) {
                throw report(test, seed, i, count, failure, trace, scenario);
            }
        }
    }

    /** Runs one seed with {@code trace} as the trace of every world it builds; returns its failure or null. */
    private static Throwable attempt(SimScenario scenario, long seed, SimTrace trace) {
        SimRunContext.enter(trace);
        try {
            scenario.run(seed);
            return null;
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            return e;
        } finally {
            SimRunContext.exit();
            if (trace != null) {
                trace.close();
            }
        }
    }

    private static AssertionError report(SeededTest test, long seed, long index, long count, Throwable failure,
            SimTrace trace, SimScenario scenario) {
        StringBuilder m = new StringBuilder(8192);
        m.append("simulation failed with seed ").append(seed).append(" (").append(test.testClass()).append('#')
                .append(test.method()).append(", run ").append(index + 1).append(" of ").append(count).append(")\n");
        m.append("failure: ").append(failure).append('\n');
        m.append("replay: ").append(test.replayCommand(seed)).append('\n');
        SimTrace tail = trace;
        if (trace != null) {
            m.append("full trace: ").append(trace.file().toAbsolutePath()).append('\n');
        } else {
            tail = SimTrace.inMemory(TAIL_LINES);
            if (attempt(scenario, seed, tail) == null) {
                m.append("NOT DETERMINISTIC: seed ").append(seed).append(" passed when run again with tracing;"
                        + " the scenario depends on something besides the seed (wall-clock time, thread timing,"
                        + " shared state between runs, or code that behaves differently when traced)\n");
            }
        }
        appendTail(m, tail);
        return new AssertionError(m.toString(), failure);
    }

    private static void appendTail(StringBuilder m, SimTrace trace) {
        List<String> lines = trace.tail();
        if (lines.isEmpty()) {
            m.append("no trace: the scenario built no SimWorld on this thread, or nothing happened in it\n");
            return;
        }
        m.append("last ").append(lines.size()).append(" of ").append(trace.lineCount()).append(" trace lines:\n");
        for (String line : lines) {
            m.append(line).append('\n');
        }
    }

    static Path traceFile(long seed) {
        return Path.of("target", "sim-trace-" + seed + ".txt").toAbsolutePath();
    }

    private static long parseLong(String property, String value) {
        try {
            long v = Long.parseLong(value.trim());
            if (property.equals(SEEDS_PROPERTY) && v < 1) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + property + "=" + value + " is not "
                    + (property.equals(SEEDS_PROPERTY) ? "a positive seed count" : "a seed (a long integer)"), e);
        }
    }
}
