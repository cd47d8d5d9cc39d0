package org.nbstack.server.cli;

import org.slf4j.LoggerFactory;

/**
 * Turns SIGTERM and SIGINT (Ctrl-C) into a call instead of the JVM's default, which runs the shutdown hooks and
 * then exits with 143 or 130: nbstack shuts down gracefully and exits 0, as a service manager expects.
 */
final class TerminationSignals {

    private TerminationSignals() {
    }

    @SuppressWarnings("removal")
    static void onTermination(Runnable action) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> action.run());
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // the shutdown hook still stops the server, with the JVM's exit status
                LoggerFactory.getLogger(TerminationSignals.class).debug("cannot handle SIG{}: {}", name, e.toString());
            }
        }
    }
}
