package org.nbstack.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyEventExecutorMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * The server's one Prometheus registry with the JVM, process and Netty allocator meters, and a per-listener
 * view of it that tags everything a listener's NetBIOS server and engine register with {@code listener=<name>},
 * so two listeners' gauges never collide.
 */
public final class ServerMeters implements AutoCloseable {

    private static final String OPENMETRICS = "application/openmetrics-text";
    private static final String OPENMETRICS_CONTENT_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    private static final String TEXT_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public ServerMeters() {
        registry.config().meterFilter(new PrometheusConventions());
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new NettyAllocatorMetrics(PooledByteBufAllocator.DEFAULT).bindTo(registry);
        new NettyAllocatorMetrics(UnpooledByteBufAllocator.DEFAULT).bindTo(registry);
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9).baseUnit("seconds")
                    .description("CPU time the server process used").register(registry);
        }
        Gauge.builder("nbstack.build.info", () -> 1).description("Always 1; the labels say which nbstack runs on which Java")
                .tags("version", version(), "java", Runtime.version().toString()).register(registry);
    }

    /** {@code nbstack_listener_up{listener, transport}}: 1 while the listener serves, 0 when it was skipped. */
    public void listenerUp(String listener, String transport, BooleanSupplier running) {
        Gauge.builder("nbstack.listener.up", running, r -> r.getAsBoolean() ? 1 : 0)
                .description("1 while the listener serves, 0 when it was skipped at start (nbstack status says why)")
                .tags("listener", listener, "transport", transport).strongReference(true).register(registry);
    }

    /** The version of this build ({@code dev} outside the packaged jar). */
    public static String version() {
        String version = ServerMeters.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** A registry whose meters land in this one tagged {@code listener=<name>}. */
    public MeterRegistry forListener(String listener) {
        CompositeMeterRegistry view = new CompositeMeterRegistry();
        view.config().commonTags("listener", listener);
        view.add(registry);
        return view;
    }

    /**
     * Netty's event executor meters (workers, pending tasks) for the {@code index}-th event loop group of a listener,
     * tagged {@code listener} and {@code group}: each group registers the same gauge names.
     */
    public void bindEventLoops(String listener, int index, EventLoopGroup group) {
        MeterRegistry view = forListener(listener);
        view.config().commonTags("group", Integer.toString(index));
        new NettyEventExecutorMetrics(group).bindTo(view);
    }

    /** The content type to answer a scrape with: OpenMetrics when the Accept header asks for it. */
    public static String contentType(String acceptHeader) {
        return acceptHeader != null && acceptHeader.toLowerCase(Locale.ROOT).contains(OPENMETRICS)
                ? OPENMETRICS_CONTENT_TYPE : TEXT_CONTENT_TYPE;
    }

    /** The exposition in {@code contentType} (from {@link #contentType}). */
    public String scrape(String contentType) {
        return registry.scrape(contentType);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
