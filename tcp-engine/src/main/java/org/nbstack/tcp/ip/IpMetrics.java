package org.nbstack.tcp.ip;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Collection;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/** Micrometer meters of the IPv4 layer (ICMP, reassembly), summed over the engine's stacks. */
public final class IpMetrics implements MeterBinder {
    private final Supplier<? extends Collection<IpCounters>> counters;

    public IpMetrics(Supplier<? extends Collection<IpCounters>> counters) {
        this.counters = counters;
    }

    private double sum(ToLongFunction<IpCounters> f) {
        long total = 0;
        for (IpCounters c : counters.get()) {
            total += f.applyAsLong(c);
        }
        return total;
    }

    private void counter(MeterRegistry r, String name, String description, ToLongFunction<IpCounters> f,
            String... tags) {
        FunctionCounter.builder(name, this, m -> m.sum(f)).description(description).tags(tags).register(r);
    }

    @Override
    public void bindTo(MeterRegistry r) {
        counter(r, "ip.icmp.received", "Valid ICMP messages received", c -> c.icmpReceived);
        counter(r, "ip.icmp.echo", "ICMP echo requests and replies", c -> c.echoRequests, "kind", "request");
        counter(r, "ip.icmp.echo", "ICMP echo requests and replies", c -> c.echoRepliesSent, "kind", "reply");
        counter(r, "ip.icmp.echo", "ICMP echo requests and replies", c -> c.echoRepliesSuppressed, "kind",
                "suppressed");
        counter(r, "ip.icmp.frag.needed", "ICMP fragmentation-needed messages (RFC 1191)",
                c -> c.pathMtuLowered, "outcome", "lowered");
        counter(r, "ip.icmp.frag.needed", "ICMP fragmentation-needed messages (RFC 1191)",
                c -> c.fragmentationNeededIgnored, "outcome", "ignored");
        counter(r, "ip.icmp.ignored", "Other ICMP messages, counted and ignored", c -> c.icmpOtherIgnored);
        counter(r, "ip.fragments", "IPv4 fragments received", c -> c.fragmentsReceived);
        counter(r, "ip.reassembly", "Reassembly outcomes", c -> c.datagramsReassembled, "outcome", "complete");
        counter(r, "ip.reassembly", "Reassembly outcomes", c -> c.reassemblyTimeouts, "outcome", "timeout");
        counter(r, "ip.reassembly", "Reassembly outcomes", c -> c.reassemblyOverlaps, "outcome", "overlap");
        counter(r, "ip.reassembly", "Reassembly outcomes", c -> c.reassemblyLimitDrops, "outcome", "limit");
        Gauge.builder("ip.reassembly.bytes", this, m -> m.sum(c -> c.reassemblyBytes))
                .description("Octets incomplete datagrams hold now").register(r);
        Gauge.builder("ip.reassembly.datagrams", this, m -> m.sum(c -> c.reassemblyDatagrams))
                .description("Incomplete datagrams held now").register(r);
    }
}
