package org.nbstack.netbios.server;

import java.util.Map;
import org.slf4j.MDC;

/**
 * The MDC of a channel event (the server sets its listener and peer there), kept for a timer of that channel:
 * a scheduled task runs outside the pipeline, so its log line would otherwise lose the listener.
 */
final class LogContext {

    private final Map<String, String> captured;

    private LogContext(Map<String, String> captured) {
        this.captured = captured;
    }

    /** The MDC as it is now, on the thread of the current channel event. */
    static LogContext capture() {
        return new LogContext(MDC.getCopyOfContextMap());
    }

    /** Runs {@code action} with the captured MDC, then restores the thread's own. */
    void run(Runnable action) {
        Map<String, String> previous = MDC.getCopyOfContextMap();
        set(captured);
        try {
            action.run();
        } finally {
            set(previous);
        }
    }

    private static void set(Map<String, String> context) {
        if (context == null) {
            MDC.clear();
        } else {
            MDC.setContextMap(context);
        }
    }
}
