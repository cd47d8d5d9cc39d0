package org.nbstack.server.engine;

import java.util.concurrent.CompletionStage;

/**
 * What the server reads from a running userspace engine: its connections as netstat shows them and its
 * counters. The engine's stacks are single-threaded shards, so an implementation builds the snapshot on each
 * shard's own event loop ({@link EngineSnapshot#of}) and merges them ({@link EngineSnapshot#merge}); callers
 * (the admin endpoint, the meters) wait a bounded time and never run on a session event loop.
 */
public interface EngineIntrospection {

    /** A short description for status output, e.g. {@code engine 10.139.0.1 over udp://127.0.0.1:11390}. */
    String description();

    /** Every listener and connection of every shard, with the engine's counters, as of now. */
    CompletionStage<EngineSnapshot> snapshot();
}
