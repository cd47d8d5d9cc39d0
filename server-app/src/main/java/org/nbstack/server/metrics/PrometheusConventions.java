package org.nbstack.server.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.util.Map;

/**
 * Brings the meters of the libraries nbstack uses in line with Prometheus' naming conventions, as
 * {@code promtool check metrics} checks them: a unit at most once, in base units, a HELP text for every metric,
 * no {@code _count} suffix outside histograms, and no label whose value changes at every restart.
 */
final class PrometheusConventions implements MeterFilter {

    /** Old name, new name: the unit is the meter's base unit, which the Prometheus name gets once, at its end. */
    private static final Map<String, String> RENAMES = Map.of(
            "netbios.bytes.in", "netbios.received",       // was netbios_bytes_in_bytes_total
            "netbios.bytes.out", "netbios.sent",
            "system.cpu.count", "system.cpus.available");  // a gauge, not a histogram's _count

    /** Netty's meters, and some of the engine's, carry no description. */
    private static final Map<String, String> DESCRIPTIONS = Map.ofEntries(
            Map.entry("nbstack.engine.link.packets", "IP packets through the engine's link"),
            Map.entry("nbstack.engine.link.bytes", "Octets of IP packets through the engine's link"),
            Map.entry("nbstack.engine.link.drops", "Packets the engine's link or a shard's inbound queue dropped"),
            Map.entry("netty.allocator.memory.used", "Memory used by a Netty buffer allocator"),
            Map.entry("netty.allocator.memory.pinned", "Memory of a Netty buffer allocator pinned by buffers in use"),
            Map.entry("netty.allocator.pooled.arenas", "Arenas of Netty's pooled allocator"),
            Map.entry("netty.allocator.pooled.cache.size", "Cache sizes of Netty's pooled allocator"),
            Map.entry("netty.allocator.pooled.chunk.size", "Chunk size of Netty's pooled allocator"),
            Map.entry("netty.allocator.pooled.threadlocal.caches", "Thread-local caches of Netty's pooled allocator"),
            Map.entry("netty.eventexecutor.tasks.pending", "Tasks waiting in a Netty event loop's queue"),
            Map.entry("netty.eventexecutor.workers", "Event loops of a Netty event loop group"));

    @Override
    public MeterFilterReply accept(Meter.Id id) {
        // in nanoseconds, which Prometheus names do not carry; process.cpu (seconds) replaces it
        return id.getName().equals("process.cpu.time") ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
    }

    @Override
    public Meter.Id map(Meter.Id id) {
        Meter.Id mapped = id;
        String rename = RENAMES.get(id.getName());
        if (rename != null) {
            mapped = mapped.withName(rename);
        }
        if (id.getName().startsWith("netty.allocator.")) {
            // the allocator's identity hash, new at every start: allocator.type already tells the two apart
            mapped = mapped.replaceTags(mapped.getTags().stream().filter(t -> !t.getKey().equals("id")).toList());
        }
        String description = DESCRIPTIONS.get(id.getName());
        if (description != null && (mapped.getDescription() == null || mapped.getDescription().isBlank())) {
            mapped = new Meter.Id(mapped.getName(), io.micrometer.core.instrument.Tags.of(mapped.getTagsAsIterable()),
                    mapped.getBaseUnit(), description, mapped.getType());
        }
        return mapped;
    }
}
