package org.nbstack.server.cli;

import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIGTERM and SIGINT (Ctrl-C) into calls instead of the JVM's default, which runs the shutdown hooks and
 * then exits with 143 or 130: the first signal stops nbstack gracefully (exit 0, as a service manager expects),
 * the second forces the stop.
 */
final class TerminationSignals {

    private TerminationSignals() {
    }

    /** {@code first} runs on the first SIGTERM or SIGINT, {@code again} on every later one. */
    @SuppressWarnings("removal")
    static void onTermination(Runnable first, Runnable again) {
        AtomicInteger received = new AtomicInteger();
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
                    if (received.getAndIncrement() == 0) {
                        first.run();
                    } else {
                        again.run();
                    }
                });
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // the shutdown hook still stops the server, with the JVM's exit status
                LoggerFactory.getLogger(TerminationSignals.class).debug("cannot handle SIG{}: {}", name, e.toString());
            }
        }
    }
}
