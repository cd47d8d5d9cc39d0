package org.nbstack.tcp.netty;

import org.nbstack.spi.Transport;
import org.nbstack.spi.TransportOptions;
import org.nbstack.spi.TransportProvider;

/**
 * Registers the {@code engine} transport. Options: {@code addresses} (default 127.0.0.1) and {@code link}
 * (default mem://default); transports created with equal options share one {@link Engine}.
 */
public final class EngineTransportProvider implements TransportProvider {

    @Override
    public String name() {
        return EngineTransport.NAME;
    }

    @Override
    public Transport create(TransportOptions options) {
        return new EngineTransport(Engine.shared(EngineConfig.from(options)));
    }
}
