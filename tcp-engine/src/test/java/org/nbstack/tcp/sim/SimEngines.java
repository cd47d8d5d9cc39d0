package org.nbstack.tcp.sim;

import io.netty.channel.EventLoopGroup;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.nbstack.spi.ForwardingTransport;
import org.nbstack.spi.Transport;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.link.SimBlackholes;
import org.nbstack.tcp.netty.Engine;
import org.nbstack.tcp.netty.EngineConfig;
import org.nbstack.tcp.netty.EngineTransport;
import org.nbstack.tcp.stack.StackConfig;
import org.nbstack.tcp.wire.Ipv4;

/**
 * Engines on one {@code sim} link whose transports make their event loops in a {@link SimEventLoops} simulation, so
 * that servers and clients built on them (Netty bootstraps, the NetBIOS server) run in its virtual time. Everything
 * random in them derives from the simulation's seed: the link's faults, the stacks' ISN and cookie secrets, the
 * ephemeral ports.
 */
public final class SimEngines implements AutoCloseable {
    /** Each set of engines gets a switch of its own; the name does not change what happens on it. */
    private static final AtomicInteger SWITCHES = new AtomicInteger();
    /** The largest MSS; an engine lowers it to what its link's MTU carries, as it does without settings. */
    private static final int LARGEST_MSS = 65495;

    private final SimEventLoops sim;
    private final URI link;
    private final List<Engine> engines = new ArrayList<>();

    /**
     * @param linkQuery the {@code sim} link's faults and MTU without its seed, e.g. {@code delay=1ms&jitter=200us&mtu=1500}
     *                  (see {@code LinkFaults}); empty for a perfect link
     */
    public SimEngines(SimEventLoops sim, String linkQuery) {
        if (linkQuery.contains("seed=")) {
            throw new IllegalArgumentException("the link's seed is the simulation's; leave seed= out of '" + linkQuery + "'");
        }
        this.sim = sim;
        this.link = URI.create("sim://simloops-" + SWITCHES.incrementAndGet() + "?"
                + (linkQuery.isEmpty() ? "" : linkQuery + "&") + "seed=" + sim.seed());
    }

    /** The link every engine here opens. */
    public URI link() {
        return link;
    }

    /**
     * An engine owning {@code addresses} on the link, as the {@code engine} transport whose event loop groups are the
     * simulation's, named {@code name}.
     */
    public Transport transport(String name, String... addresses) {
        return transport(name, tcp -> tcp, addresses);
    }

    /**
     * As {@link #transport(String, String...)}, with the engine's TCP defaults (those a channel starts with: keepalive
     * idle, interval and count, delayed ACK, ...) changed by {@code tcp}.
     */
    public Transport transport(String name, UnaryOperator<TcpConfig.Builder> tcp, String... addresses) {
        int[] parsed = Arrays.stream(addresses).mapToInt(Ipv4::parse).toArray();
        StackConfig stack = StackConfig.of(parsed).withTcp(tcp.apply(TcpConfig.DEFAULT.toBuilder().mss(LARGEST_MSS)).build())
                .withSecretSeed(sim.seed() * 31 + engines.size());
        Engine engine = Engine.create(EngineConfig.of(String.join(",", addresses), link.toString()).withStack(stack));
        engines.add(engine);
        return new SimTransport(new EngineTransport(engine), name);
    }

    /** From now on the link drops every packet from and to {@code address}, those on their way included. */
    public void blackhole(String address) {
        sim.trace("blackhole " + address);
        SimBlackholes.blackhole(link, address);
    }

    /** Closes the engines' links; shut the simulation's loops down first ({@link SimEventLoops#close()}). */
    @Override
    public void close() {
        for (Engine engine : engines) {
            engine.close();
        }
    }

    private final class SimTransport extends ForwardingTransport {
        private final String name;
        private int groups;

        SimTransport(Transport engine, String name) {
            super(engine);
            this.name = name;
        }

        @Override
        public EventLoopGroup newEventLoopGroup(int threads) {
            return sim.newGroup(groups++ == 0 ? name : name + groups, threads);
        }

        @Override
        public String toString() {
            return "simulated " + delegate();
        }
    }
}
