package org.nbstack.spi.kernel;

import org.nbstack.spi.Transport;
import org.nbstack.spi.TransportOptions;
import org.nbstack.spi.TransportProvider;

/** Registers {@link EpollTransport} as {@code "epoll"}; options are ignored. */
public final class EpollTransportProvider implements TransportProvider {

    @Override
    public String name() {
        return EpollTransport.NAME;
    }

    @Override
    public Transport create(TransportOptions options) {
        return new EpollTransport();
    }
}
