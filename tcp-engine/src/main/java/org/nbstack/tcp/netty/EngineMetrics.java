package org.nbstack.tcp.netty;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToLongFunction;
import org.nbstack.spi.link.LinkCounters;
import org.nbstack.tcp.stack.StackMetrics;

/**
 * Micrometer meters of one engine: its link's traffic and drops, the shards' inbound-queue drops, and the
 * TCP meters of {@link StackMetrics} over its shards. Every meter reads the engine's counters when scraped; nothing is
 * added to the packet path.
 */
public final class EngineMetrics implements MeterBinder {
    private final Engine engine;
    private final Tags tags;

    public EngineMetrics(Engine engine) {
        this.engine = engine;
        this.tags = Tags.of("engine", engine.config().addresses().toString(), "link",
                engine.config().link().toString());
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        link(registry, "nbstack.engine.link.packets", "direction", "in", LinkCounters::packetsIn);
        link(registry, "nbstack.engine.link.packets", "direction", "out", LinkCounters::packetsOut);
        link(registry, "nbstack.engine.link.bytes", "direction", "in", LinkCounters::bytesIn);
        link(registry, "nbstack.engine.link.bytes", "direction", "out", LinkCounters::bytesOut);
        link(registry, "nbstack.engine.link.drops", "where", "link", LinkCounters::drops);
        FunctionCounter.builder("nbstack.engine.link.drops", engine, Engine::inboundDrops).tags(tags)
                .tag("where", "shard-queue").description("packets dropped because a shard's inbound queue was full")
                .register(registry);
        FunctionCounter.builder("nbstack.engine.loop.wakeups", engine, Engine::loopWakeups).tags(tags)
                .description("drains of the shards' inbound queues scheduled from other threads (loop wake-ups)")
                .register(registry);
        // The TCP counters, summed over the shards, are StackMetrics' (tcp.*): one set of names everywhere.
        new StackMetrics(engine::stacks).bindTo(registry);
        Gauge.builder("nbstack.engine.shards", engine, Engine::shardCount).tags(tags)
                .description("event loops running engine channels").register(registry);
        Gauge.builder("nbstack.engine.tcp.configs", engine, Engine::sharedTcpConfigCount).tags(tags)
                .description("distinct TCP option sets the engine's connections share (at most "
                        + SharedTcpConfigs.LIMIT + ")").register(registry);
    }

    private void link(MeterRegistry registry, String name, String tagKey, String tagValue,
            ToLongFunction<LinkCounters> counter) {
        FunctionCounter.builder(name, engine, e -> e.link() == null ? 0 : counter.applyAsLong(e.link().counters()))
                .tags(tags).tag(tagKey, tagValue).register(registry);
    }
}
