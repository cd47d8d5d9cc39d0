package org.nbstack.server.admin;

import java.time.Duration;
import java.util.List;

/**
 * What {@code /status} and {@code nbstack status} show.
 *
 * @param engine the engine's description when one runs, else why not
 */
public record StatusView(String version, long pid, Duration uptime, List<ListenerView> listeners, int activeSessions,
        int maxSessions, boolean engineRunning, String engine) {

    public StatusView {
        listeners = List.copyOf(listeners);
    }
}
