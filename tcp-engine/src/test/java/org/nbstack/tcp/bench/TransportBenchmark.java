package org.nbstack.tcp.bench;

import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.nbstack.spi.Transport;
import org.nbstack.spi.Transports;
import org.nbstack.tcp.netty.Engine;
import org.nbstack.tcp.netty.EngineConfig;
import org.nbstack.tcp.netty.EngineServerSocketChannel;
import org.nbstack.tcp.netty.EngineSocketChannel;
import org.nbstack.tcp.netty.EngineTransport;

/**
 * Netty bulk transfer and echo round trips on the engine against the epoll transport over the kernel's
 * loopback, in one run. Engine figures come from two engines on a {@code mem} switch (10.0.0.1 and 10.0.0.2,
 * so every packet is encoded, checksummed and decoded) and from one engine's own 127.0.0.1 (segments handed
 * over inside one shard). Every figure is measured over {@code bench.rounds} rounds (default 5), the targets'
 * rounds interleaved. Writes {@code target/bench/transport.json} (or the path in the first argument) as rows of
 * {@link FigureFile}: the median over the rounds with min and max, the baseline epoll's median; for round trips
 * a ratio above 1 means the engine is slower. Not a test: it never fails on a figure.
 *
 * <p>Run it with {@code bin/bench transport}.
 */
public final class TransportBenchmark {
    private static final double BULK_SECONDS = Double.parseDouble(System.getProperty("bench.bulkSeconds", "3"));
    private static final int PINGS = Integer.getInteger("bench.pings", 20_000);

    private TransportBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/bench/transport.json");
        int rounds = Integer.getInteger("bench.rounds", 5);
        List<Figures> epoll = new ArrayList<>();
        List<Figures> mem = new ArrayList<>();
        List<Figures> loopback = new ArrayList<>();
        try (BenchTarget e = epoll(); BenchTarget m = engineOverMem(); BenchTarget l = engineLoopback()) {
            for (int r = 0; r < rounds; r++) { // interleaved, so that a change in the machine's load hits all three
                epoll.add(Figures.measure(e));
                mem.add(Figures.measure(m));
                loopback.add(Figures.measure(l));
            }
        }
        FigureFile figures = new FigureFile();
        for (List<Figures> engine : List.of(mem, loopback)) {
            String prefix = engine.get(0).target() + " ";
            for (Figure f : FIGURES) {
                figures.add(prefix + f.name(), f.spread(engine), f.unit(), f.spread(epoll));
            }
        }
        figures.write(out);
    }

    /** One row of the file: a figure of every target, with epoll's as the baseline. */
    private record Figure(String name, String unit, ToDoubleFunction<Figures> of) {
        Spread spread(List<Figures> rounds) {
            return Spread.of(rounds.stream().mapToDouble(of).toArray());
        }
    }

    private static final List<Figure> FIGURES = List.of(
            new Figure("bulk 1 MiB writes", "Gbit/s", Figures::bulk),
            new Figure("echo 64 B", "Gbit/s", f -> f.small().gbitPerSecond()),
            new Figure("echo 64 B p50 round trip", "us", f -> f.small().percentileMicros(0.5)),
            new Figure("echo 64 B p99 round trip", "us", f -> f.small().percentileMicros(0.99)),
            new Figure("echo 16 KiB", "Gbit/s", f -> f.large().gbitPerSecond()),
            new Figure("echo 16 KiB p50 round trip", "us", f -> f.large().percentileMicros(0.5)),
            new Figure("echo 16 KiB p99 round trip", "us", f -> f.large().percentileMicros(0.99)));

    /** Every figure of one target in one round. */
    record Figures(String target, double bulk, Workloads.RoundTrips small, Workloads.RoundTrips large) {
        static Figures measure(BenchTarget t) throws Exception {
            double bulk = Workloads.bulkGbitPerSecond(t, BULK_SECONDS);
            Workloads.RoundTrips small = Workloads.pingPong(t, 64, PINGS / 4, PINGS);
            Workloads.RoundTrips large = Workloads.pingPong(t, 16 * 1024, PINGS / 4, PINGS / 2);
            return new Figures(t.name(), bulk, small, large);
        }
    }

    private static BenchTarget epoll() {
        Transport epoll = Transports.named("epoll");
        return new BenchTarget("epoll", epoll.newEventLoopGroup(1), epoll.newEventLoopGroup(1),
                epoll.serverChannelFactory(), epoll.channelFactory(), new InetSocketAddress("127.0.0.1", 0), () -> { });
    }

    private static BenchTarget engineOverMem() {
        Engine server = Engine.create(EngineConfig.of("10.0.0.2", "mem://bench"));
        Engine client = Engine.create(EngineConfig.of("10.0.0.1", "mem://bench"));
        EngineTransport transport = new EngineTransport(server);
        EventLoopGroup serverGroup = transport.newEventLoopGroup(1);
        EventLoopGroup clientGroup = transport.newEventLoopGroup(1);
        return new BenchTarget("engine mem link", serverGroup, clientGroup, () -> new EngineServerSocketChannel(server),
                () -> new EngineSocketChannel(client), new InetSocketAddress("10.0.0.2", 0), () -> {
                    server.close();
                    client.close();
                });
    }

    private static BenchTarget engineLoopback() {
        Engine engine = Engine.create(EngineConfig.of("127.0.0.1", "mem://bench-loopback"));
        EngineTransport transport = new EngineTransport(engine);
        return new BenchTarget("engine 127.0.0.1", transport.newEventLoopGroup(1), transport.newEventLoopGroup(1),
                transport.serverChannelFactory(), transport.channelFactory(), new InetSocketAddress("127.0.0.1", 0),
                engine::close);
    }

}
