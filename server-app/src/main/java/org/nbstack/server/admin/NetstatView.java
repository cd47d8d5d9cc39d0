package org.nbstack.server.admin;

import java.util.List;
import org.nbstack.tcp.stack.ConnectionInfo;

/**
 * The engine's connections, or why there are none to show.
 *
 * @param engineRunning false when no listener runs on the engine (then {@code message} says why)
 */
public record NetstatView(boolean engineRunning, String message, List<ConnectionInfo> connections) {

    public NetstatView {
        connections = List.copyOf(connections);
    }
}
