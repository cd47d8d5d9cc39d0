package org.nbstack.spi.kernel;

import org.nbstack.spi.Transport;
import org.nbstack.spi.TransportOptions;
import org.nbstack.spi.TransportProvider;

/** Registers {@link NioTransport} as {@code "nio"}; options are ignored. */
public final class NioTransportProvider implements TransportProvider {

    @Override
    public String name() {
        return NioTransport.NAME;
    }

    @Override
    public Transport create(TransportOptions options) {
        return new NioTransport();
    }
}
