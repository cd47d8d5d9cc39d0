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
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * The server's one Prometheus registry with the JVM, process and Netty allocator meters, and a per-listener
 * view of it that tags everything a listener's NetBIOS server and engine register with {@code listener=<name>},
 * so two listeners' gauges never collide.
 */
public final class ServerMeters implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** The Prometheus client's writers: it picks the format an Accept header asks for, as its own exporters do. */
    private final ExpositionFormats formats = ExpositionFormats.init();
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

    /** A scrape's body and the content type to answer it with. */
    public record Exposition(String contentType, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * Every meter in the format {@code acceptHeader} asks for (null or absent: Prometheus text 0.0.4; OpenMetrics or
     * the protobuf format when the scraper prefers them), chosen by the Prometheus client's own negotiation.
     */
    public Exposition scrape(String acceptHeader) {
        String accept = acceptHeader == null ? "" : acceptHeader;
        ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
        try {
            registry.scrape(body, accept);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return new Exposition(formats.findWriter(accept).getContentType(), body.toByteArray());
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
