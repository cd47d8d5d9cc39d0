package org.nbstack.server.engine;

import java.util.Optional;
import org.nbstack.spi.Transport;

/**
 * Finds the engine behind a {@link Transport}: the one place that knows the {@code engine} transport's classes.
 *
 * <p>Until the engine transport ({@code org.nbstack.tcp.netty.EngineTransport}) is part of this build, no
 * transport has an engine to introspect and this answers empty: {@code nbstack netstat} then says the engine is
 * not running, and no engine meters are registered. Wiring it is this method only: for an
 * {@code EngineTransport}, return an {@link EngineIntrospection} whose {@code stacks()} are its engine's shards
 * and whose {@code netstat()} runs {@code TcpStack.netstat()} on every shard's event loop and completes with all
 * the rows. {@code EngineTransportIntrospectionTest} checks it as soon as the {@code engine} transport is available.
 */
public final class EngineTransportIntrospection {

    private EngineTransportIntrospection() {
    }

    public static Optional<EngineIntrospection> of(Transport transport) {
        return Optional.empty();
    }
}
