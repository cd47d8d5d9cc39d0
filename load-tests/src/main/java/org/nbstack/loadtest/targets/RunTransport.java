package org.nbstack.loadtest.targets;

import org.nbstack.spi.Transport;
import org.nbstack.spi.TransportOptions;
import org.nbstack.spi.Transports;
import org.nbstack.tcp.netty.Engine;
import org.nbstack.tcp.netty.EngineConfig;
import org.nbstack.tcp.netty.EngineTransport;

/**
 * A transport for one load-test run, closed with it. On the engine that is a private {@link Engine}, not the shared
 * one the transport registry hands out for equal options: an engine's link (the udp socket, the TUN device) lives on
 * the event loops of its first channels, which a run shuts down at its end, so the next run in the same JVM (the short
 * forms in bin/test) needs an engine of its own; closing it frees the udp port and removes the TUN device.
 */
public final class RunTransport implements AutoCloseable {

    private final Transport transport;
    private final Engine engine;

    private RunTransport(Transport transport, Engine engine) {
        this.transport = transport;
        this.engine = engine;
    }

    /** The transport called {@code name} with {@code options}; a fresh engine when it is the engine. */
    public static RunTransport open(String name, TransportOptions options) {
        if (name.equals(EngineTransport.NAME)) {
            Engine engine = Engine.create(EngineConfig.from(options));
            return new RunTransport(new EngineTransport(engine), engine);
        }
        return new RunTransport(Transports.named(name, options), null);
    }

    public Transport transport() {
        return transport;
    }

    /** Closes the engine (its link) if there is one; call after every event loop of the run has shut down. */
    @Override
    public void close() {
        if (engine != null) {
            engine.close();
        }
    }
}
