package org.nbstack.server.engine;

import java.util.Optional;
import org.nbstack.spi.Transport;
import org.nbstack.tcp.netty.EngineTransport;

/**
 * Finds the engine behind a {@link Transport}: the one place that knows the {@code engine} transport's classes.
 * Any other transport (nio, epoll) has no engine to introspect and answers empty: {@code nbstack netstat} then
 * says the engine is not running, and no engine meters are registered.
 */
public final class EngineTransportIntrospection {

    private EngineTransportIntrospection() {
    }

    public static Optional<EngineIntrospection> of(Transport transport) {
        return transport instanceof EngineTransport engine
                ? Optional.of(new RunningEngineIntrospection(engine.engine()))
                : Optional.empty();
    }
}
