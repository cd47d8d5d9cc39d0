package org.nbstack.server.engine;

import java.net.Inet4Address;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import org.nbstack.tcp.netty.Engine;
import org.nbstack.tcp.netty.EngineMetrics;
import org.nbstack.tcp.stack.ConnectionInfo;
import org.nbstack.tcp.stack.TcpStack;

/** The {@link EngineIntrospection} of one running {@link Engine}. */
final class RunningEngineIntrospection implements EngineIntrospection {

    private final Engine engine;

    RunningEngineIntrospection(Engine engine) {
        this.engine = engine;
    }

    @Override
    public String description() {
        String addresses = engine.config().addresses().stream().map(Inet4Address::getHostAddress).collect(Collectors.joining(","));
        return "engine " + addresses + " over " + engine.config().link();
    }

    /**
     * {@link Engine#netstat()} asks every shard on its own loop and blocks for the answers, so it runs on a
     * virtual thread of its own: the caller only ever waits on the returned stage, with its own bound.
     */
    @Override
    public CompletionStage<List<ConnectionInfo>> netstat() {
        CompletableFuture<List<ConnectionInfo>> rows = new CompletableFuture<>();
        Thread.ofVirtual().name("engine-netstat").start(() -> {
            try {
                rows.complete(engine.netstat());
            } catch (RuntimeException e) {
                rows.completeExceptionally(e);
            }
        });
        return rows;
    }

    @Override
    public Collection<TcpStack> stacks() {
        return engine.stacks();
    }

    /**
     * {@link EngineMetrics}' link and shard meters; its {@code StackMetrics} meters ({@code tcp.*} and the IP layer's
     * {@code ip.*}) are left out, as the server binds them itself (one {@code StackMetrics} per listener), and so is
     * its {@code engine} tag (the listener tag names it).
     */
    @Override
    public void bindLinkMeters(MeterRegistry registry) {
        registry.config().meterFilter(MeterFilter.denyNameStartsWith("tcp.")).meterFilter(MeterFilter.denyNameStartsWith("ip."))
                .meterFilter(MeterFilter.ignoreTags("engine"));
        new EngineMetrics(engine).bindTo(registry);
    }

    @Override
    public String toString() {
        return description();
    }
}
