package org.nbstack.server.app;

import java.util.List;
import java.util.Optional;
import org.nbstack.config.ListenerConfig;
import org.nbstack.netbios.server.NetbiosServer;
import org.nbstack.server.engine.EngineIntrospection;
import org.nbstack.tcp.stack.StackMetrics;

/**
 * A configured listener after start-up: running (with its server) or skipped (with the reason).
 *
 * @param engine       the engine behind it, when it runs on the engine transport and the engine can be introspected
 * @param engineMeters the engine's meters, held here because Micrometer holds their state only weakly
 */
record RunningListener(ListenerConfig config, Optional<NetbiosServer> server, Optional<ObservedTransport> transport,
        Optional<EngineIntrospection> engine, Optional<StackMetrics> engineMeters, String skipReason, List<String> names) {

    static RunningListener skipped(ListenerConfig config, String reason, List<String> names) {
        return new RunningListener(config, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), reason, names);
    }

    boolean running() {
        return server.isPresent();
    }

    String address() {
        return server.map(s -> s.localAddress().getHostString() + ":" + s.localAddress().getPort())
                .orElse(config.bind().toString());
    }
}
