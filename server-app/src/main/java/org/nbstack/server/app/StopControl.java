package org.nbstack.server.app;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What a stop tells its operator and how it can be cut short.
 *
 * @param announce receives one line when the stop starts waiting, saying for what and how long
 * @param forced   completes when the operator forces the stop (a second Ctrl-C or SIGTERM): nothing more is waited for
 */
public record StopControl(Consumer<String> announce, CompletableFuture<Void> forced) {

    /** Waits silently and cannot be forced. */
    public static StopControl none() {
        return new StopControl(line -> { }, new CompletableFuture<>());
    }

    public void force() {
        forced.complete(null);
    }

    boolean isForced() {
        return forced.isDone();
    }
}
