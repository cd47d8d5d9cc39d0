package org.nbstack.server.handlers;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.nbstack.config.NbstackConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a running server lends its handler factories: its meter registry (whose meters /metrics exports), its whole
 * configuration, and services shared by every name a factory serves, closed when the server stops.
 */
public final class HandlerContext implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HandlerContext.class);

    private final MeterRegistry meters;
    private final NbstackConfig config;
    private final Map<String, AutoCloseable> shared = new LinkedHashMap<>();

    public HandlerContext(MeterRegistry meters, NbstackConfig config) {
        this.meters = meters;
        this.config = config;
    }

    /** The server's registry: meters registered here are exported on the admin endpoint's /metrics. */
    public MeterRegistry meters() {
        return meters;
    }

    public NbstackConfig config() {
        return config;
    }

    /** The service called {@code key}, made by {@code make} on first use; one per server, closed by {@link #close()}. */
    public synchronized <T extends AutoCloseable> T shared(String key, Class<T> type, Supplier<T> make) {
        AutoCloseable existing = shared.get(key);
        if (existing == null) {
            existing = make.get();
            shared.put(key, existing);
        }
        return type.cast(existing);
    }

    /** Closes the shared services, newest first; a failure is logged and the rest still close. */
    @Override
    public synchronized void close() {
        List<AutoCloseable> services = new ArrayList<>(shared.values());
        shared.clear();
        for (AutoCloseable service : services.reversed()) {
            try {
                service.close();
            } catch (Exception e) {
                log.warn("closing {} failed: {}", service, e.toString());
            }
        }
    }
}
