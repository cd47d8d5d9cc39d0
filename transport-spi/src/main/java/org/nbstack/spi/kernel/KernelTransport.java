package org.nbstack.spi.kernel;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.nbstack.spi.Availability;
import org.nbstack.spi.Transport;
import org.nbstack.spi.TransportUnavailableException;

/** What the operating system's TCP transports share: a Netty 4.2 I/O handler per event loop thread. */
abstract class KernelTransport implements Transport {

    @Override
    public final EventLoopGroup newEventLoopGroup(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("event loop thread count must be >= 1, got " + threads);
        }
        Availability availability = availability();
        if (!availability.isAvailable()) {
            throw new TransportUnavailableException(name(),
                    "Transport '" + name() + "' is not available here: " + availability.reason());
        }
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("nbstack-" + name(), true),
                ioHandlerFactory());
    }

    abstract IoHandlerFactory ioHandlerFactory();

    @Override
    public String toString() {
        return name() + " transport";
    }
}
