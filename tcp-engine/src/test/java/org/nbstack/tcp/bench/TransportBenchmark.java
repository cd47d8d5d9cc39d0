package org.nbstack.tcp.bench;

import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
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
 * over inside one shard). Writes {@code target/bench/transport.json} (or the path in the first argument)
 * as a list of {name, value, unit, baseline, ratio}, where the baseline is epoll's figure; for round trips a
 * ratio above 1 means the engine is slower. Not a test: it never fails on a figure.
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
        Figures epoll;
        try (BenchTarget t = epoll()) {
            epoll = Figures.measure(t);
        }
        List<Measurement> all = new ArrayList<>();
        try (BenchTarget t = engineOverMem()) {
            all.addAll(Figures.measure(t).against(epoll));
        }
        try (BenchTarget t = engineLoopback()) {
            all.addAll(Figures.measure(t).against(epoll));
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, all.stream().map(Measurement::json)
                .collect(Collectors.joining(",\n  ", "[\n  ", "\n]\n")));
        StringBuilder table = new StringBuilder("| figure | engine | epoll (kernel loopback) | ratio |\n|---|---|---|---|\n");
        all.forEach(m -> table.append(m.row()).append('\n'));
        // CLI output of a benchmark main, not engine code.
        System.out.print(table);
        System.out.println("written to " + out.toAbsolutePath());
    }

    /** Every figure of one target. */
    record Figures(String target, double bulk, Workloads.RoundTrips small, Workloads.RoundTrips large) {
        static Figures measure(BenchTarget t) throws Exception {
            double bulk = Workloads.bulkGbitPerSecond(t, BULK_SECONDS);
            Workloads.RoundTrips small = Workloads.pingPong(t, 64, PINGS / 4, PINGS);
            Workloads.RoundTrips large = Workloads.pingPong(t, 16 * 1024, PINGS / 4, PINGS / 2);
            return new Figures(t.name(), bulk, small, large);
        }

        List<Measurement> against(Figures base) {
            String p = target + " ";
            return List.of(
                    new Measurement(p + "bulk 1 MiB writes", bulk, "Gbit/s", base.bulk),
                    new Measurement(p + "echo 64 B", small.gbitPerSecond(), "Gbit/s", base.small.gbitPerSecond()),
                    new Measurement(p + "echo 64 B p50 round trip", small.percentileMicros(0.5), "us",
                            base.small.percentileMicros(0.5)),
                    new Measurement(p + "echo 64 B p99 round trip", small.percentileMicros(0.99), "us",
                            base.small.percentileMicros(0.99)),
                    new Measurement(p + "echo 16 KiB", large.gbitPerSecond(), "Gbit/s", base.large.gbitPerSecond()),
                    new Measurement(p + "echo 16 KiB p50 round trip", large.percentileMicros(0.5), "us",
                            base.large.percentileMicros(0.5)),
                    new Measurement(p + "echo 16 KiB p99 round trip", large.percentileMicros(0.99), "us",
                            base.large.percentileMicros(0.99)));
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
