package org.nbstack.server.engine;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.nbstack.tcp.stack.ConnectionInfo;
import org.nbstack.tcp.stack.TcpStack;

/**
 * What the server reads from a running userspace engine: its connections as netstat shows them, and its stacks
 * for the engine's own meters ({@link org.nbstack.tcp.stack.StackMetrics}). Callers (the admin endpoint, graceful
 * shutdown) wait a bounded time and never run on a session event loop.
 */
public interface EngineIntrospection {

    /** A short description for status output, e.g. {@code engine 10.139.0.1 over udp://127.0.0.1:11390}. */
    String description();

    /**
     * Every listener and connection of every shard. A stack is confined to its event loop, so an implementation
     * runs {@link TcpStack#netstat()} on each shard's own loop and completes with the rows of all of them.
     */
    CompletionStage<List<ConnectionInfo>> netstat();

    /** The engine's stacks (one per shard), for {@code StackMetrics}, which reads only their thread-safe counters. */
    Collection<TcpStack> stacks();

    /**
     * Binds the engine's own meters (its link's packets, bytes and drops; its shards) to {@code registry}, a view of
     * the server's registry made for this call (its filters may be changed).
     */
    default void bindLinkMeters(io.micrometer.core.instrument.MeterRegistry registry) {
    }
}
