package org.nbstack.server.engine;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's latest snapshot for meters: one scrape asks the engine at most once (every meter of that scrape
 * reads the same snapshot), and waits at most the query timeout; on a timeout the previous snapshot stands, so
 * a busy engine slows no scrape beyond that bound.
 */
public final class EngineSnapshotCache {

    private static final Logger log = LoggerFactory.getLogger(EngineSnapshotCache.class);
    private static final long MAX_AGE_NANOS = Duration.ofMillis(500).toNanos();

    private final EngineIntrospection engine;
    private final Duration timeout;
    private EngineSnapshot last = EngineSnapshot.empty();
    private long lastNanos = System.nanoTime() - 2 * MAX_AGE_NANOS;

    public EngineSnapshotCache(EngineIntrospection engine, Duration timeout) {
        this.engine = engine;
        this.timeout = timeout;
    }

    public synchronized EngineSnapshot current() {
        if (System.nanoTime() - lastNanos < MAX_AGE_NANOS) {
            return last;
        }
        try {
            last = engine.snapshot().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("the engine did not answer within {}; its meters show the previous values", timeout);
        } catch (ExecutionException e) {
            log.warn("reading the engine's counters failed: {}", e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lastNanos = System.nanoTime();
        return last;
    }
}
