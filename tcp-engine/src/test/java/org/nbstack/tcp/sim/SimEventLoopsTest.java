package org.nbstack.tcp.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.nbstack.spi.Transport;
import org.nbstack.tcp.netty.EngineChannelOption;

/**
 * The deterministic event-loop group: engine channels between two engines on a {@code sim} link, every loop driven in
 * virtual time by one seeded scheduler. Round trips take exactly what the link's delay and the tasks' CPU cost say,
 * TCP's own timers (user timeout) fire at their virtual deadline, and a run is a function of its seed.
 */
class SimEventLoopsTest {
    private static final String SERVER = "10.77.0.1";
    private static final String CLIENT = "10.77.0.2";
    private static final int PORT = 7;

    @Test
    void echoRoundTripTakesExactlyTheLinkDelayInVirtualTime() throws Exception {
        try (SimEventLoops sim = new SimEventLoops(1, 0); SimEngines engines = new SimEngines(sim, "delay=1ms")) {
            Echo echo = new Echo(sim, engines, 1, 0);
            assertThat(sim.runUntil(echo::done, Duration.ofSeconds(10))).as("echoes done").isTrue();
            // Connect: SYN, SYN-ACK (1 ms each), then each 100-octet echo: request and answer, 1 ms each way.
            assertThat(echo.connectedAfter).containsExactly(2_000_000L);
            assertThat(echo.roundTrips).hasSize(Echo.ECHOES).containsOnly(2_000_000L);
            echo.close();
        }
    }

    @Test
    void aTaskKeepsItsLoopBusyForTheTaskCostSoQueuedWorkWaits() {
        try (SimEventLoops sim = new SimEventLoops(1, 10_000)) {
            EventLoopGroup group = sim.newGroup("g", 2);
            EventLoopGroup other = sim.newGroup("other", 1);
            List<Long> busy = new ArrayList<>();
            List<Long> idle = new ArrayList<>();
            io.netty.channel.EventLoop loop = group.next();
            for (int i = 0; i < 100; i++) {
                loop.execute(() -> busy.add(sim.nanoTime() - SimEventLoops.START_NANOS));
            }
            other.next().execute(() -> idle.add(sim.nanoTime() - SimEventLoops.START_NANOS));
            sim.runFor(Duration.ofMillis(2));
            // 100 tasks on one loop run 10 us apart (the last at 990 us); another loop is not held up by them.
            assertThat(busy).hasSize(100).first().isEqualTo(0L);
            assertThat(busy).last().isEqualTo(990_000L);
            assertThat(idle).containsExactly(0L);
        }
    }

    @Test
    void tcpUserTimeoutAbortsAtItsVirtualDeadlineWithoutWaitingForIt() throws Exception {
        long wallStart = System.nanoTime();
        try (SimEventLoops sim = new SimEventLoops(5); SimEngines engines = new SimEngines(sim, "delay=1ms")) {
            Echo echo = new Echo(sim, engines, 1, 0);
            assertThat(sim.runUntil(echo::done, Duration.ofSeconds(10))).isTrue();
            Channel client = echo.clients.get(0);
            client.config().setOption(EngineChannelOption.TCP_USER_TIMEOUT, 30_000);
            engines.blackhole(SERVER);
            long vanished = sim.nanoTime();
            client.writeAndFlush(Unpooled.wrappedBuffer(new byte[100]));
            assertThat(sim.runUntil(() -> !client.isActive(), Duration.ofMinutes(5))).as("client aborted").isTrue();
            // RFC 5482: aborted once data stayed unacknowledged for the user timeout, at the first retransmission
            // timer after it (RTO backoff from 1 s: 1, 3, 7, 15, 31 s), never before.
            long after = sim.nanoTime() - vanished;
            assertThat(after).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(30)).isLessThan(TimeUnit.SECONDS.toNanos(32));
            echo.close();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - wallStart)).as("wall time of 30 virtual seconds")
                .isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aRunIsAFunctionOfItsSeed() throws Exception {
        String faults = "delay=1ms&jitter=300us&reorder=0.05&loss=0.02&dup=0.02";
        List<Long> first = fingerprint(42, faults);
        assertThat(fingerprint(42, faults)).as("same seed, same run").isEqualTo(first);
        assertThat(fingerprint(43, faults)).as("another seed, another run").isNotEqualTo(first);
    }

    @Test
    void echoesSurviveSeededFaultsOnEverySeed() {
        SimSeeds.run(1, 200, seed -> {
            SplittableRandom random = new SplittableRandom(seed);
            String faults = "delay=" + (100 + random.nextInt(2000)) + "us&jitter=" + random.nextInt(500) + "us&loss="
                    + random.nextInt(5) / 100.0 + "&reorder=" + random.nextInt(5) / 100.0 + "&dup=" + random.nextInt(3) / 100.0;
            try (SimEventLoops sim = new SimEventLoops(seed); SimEngines engines = new SimEngines(sim, faults)) {
                Echo echo = new Echo(sim, engines, 1 + random.nextInt(4), 1 + random.nextInt(2));
                assertThat(sim.runUntil(echo::done, Duration.ofMinutes(2))).as("every echo back over " + faults).isTrue();
                assertThat(echo.roundTrips).hasSize(echo.clients.size() * Echo.ECHOES);
                echo.close();
            }
        });
    }

    @Test
    void aTaskThatThrowsFailsTheRun() {
        try (SimEventLoops sim = new SimEventLoops(1)) {
            EventLoopGroup group = sim.newGroup("g", 1);
            group.next().execute(() -> {
                throw new IllegalStateException("boom");
            });
            assertThatThrownBy(() -> sim.runFor(Duration.ofMillis(1))).hasMessageContaining("boom");
        }
    }

    @Test
    void scheduledTasksRunAtTheirVirtualDeadlineInDeadlineOrder() {
        try (SimEventLoops sim = new SimEventLoops(1, 0)) {
            EventLoopGroup group = sim.newGroup("g", 2);
            List<String> ran = new ArrayList<>();
            group.next().schedule(() -> ran.add("b@" + sim.elapsed().toMillis()), 20, TimeUnit.MILLISECONDS);
            group.next().schedule(() -> ran.add("a@" + sim.elapsed().toMillis()), 10, TimeUnit.MILLISECONDS);
            sim.runFor(Duration.ofMillis(15));
            assertThat(ran).containsExactly("a@10");
            assertThat(sim.elapsed()).isEqualTo(Duration.ofMillis(15));
            sim.runFor(Duration.ofSeconds(3600));
            assertThat(ran).containsExactly("a@10", "b@20");
        }
    }

    /** The virtual instants of every event of a faulty echo run. */
    private static List<Long> fingerprint(long seed, String faults) throws Exception {
        try (SimEventLoops sim = new SimEventLoops(seed); SimEngines engines = new SimEngines(sim, faults)) {
            Echo echo = new Echo(sim, engines, 8, 2);
            assertThat(sim.runUntil(echo::done, Duration.ofMinutes(1))).isTrue();
            List<Long> events = new ArrayList<>(echo.connectedAfter);
            events.addAll(echo.roundTrips);
            events.add(sim.tasksRun());
            echo.close();
            return events;
        }
    }

    /** A server that echoes, and clients that each send {@link #ECHOES} requests one after another, timing them. */
    private static final class Echo {
        static final int ECHOES = 5;
        static final int SIZE = 100;
        final SimEventLoops sim;
        final List<Channel> clients = new ArrayList<>();
        final List<Long> connectedAfter = new ArrayList<>();
        final List<Long> roundTrips = new ArrayList<>();
        final Channel server;

        Echo(SimEventLoops sim, SimEngines engines, int clientCount, int loopsEach) throws Exception {
            this.sim = sim;
            Transport serverSide = engines.transport("server", SERVER);
            Transport clientSide = engines.transport("client", CLIENT);
            int loops = Math.max(1, loopsEach);
            ChannelFuture bound = new ServerBootstrap().group(serverSide.newEventLoopGroup(loops))
                    .channelFactory(serverSide.serverChannelFactory())
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ctx.writeAndFlush(msg);
                                }
                            });
                        }
                    })
                    .bind(new InetSocketAddress(SERVER, PORT));
            sim.runUntil(bound::isDone, Duration.ofSeconds(1));
            assertThat(bound.isSuccess()).as("bound: " + bound.cause()).isTrue();
            server = bound.channel();
            EventLoopGroup clientLoops = clientSide.newEventLoopGroup(loops);
            for (int i = 0; i < clientCount; i++) {
                long start = sim.nanoTime();
                ChannelFuture connect = new Bootstrap().group(clientLoops).channelFactory(clientSide.channelFactory())
                        .option(ChannelOption.TCP_NODELAY, true)
                        .handler(new Requests(this)).connect(new InetSocketAddress(SERVER, PORT));
                connect.addListener(f -> connectedAfter.add(f.isSuccess() ? sim.nanoTime() - start : -1));
                clients.add(connect.channel());
            }
        }

        boolean done() {
            return roundTrips.size() == clients.size() * ECHOES;
        }

        void close() {
            clients.forEach(Channel::close);
            server.close();
            sim.runFor(Duration.ofMillis(100));
        }
    }

    /** One echo at a time: sends SIZE octets, waits for all of them back, records the round trip, sends the next. */
    private static final class Requests extends ChannelInboundHandlerAdapter {
        private final Echo echo;
        private int sent;
        private int received;
        private long sentAt;

        Requests(Echo echo) {
            this.echo = echo;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            sendNext(ctx);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            received += buf.readableBytes();
            buf.release();
            if (received == Echo.SIZE) {
                received = 0;
                echo.roundTrips.add(echo.sim.nanoTime() - sentAt);
                if (sent < Echo.ECHOES) {
                    sendNext(ctx);
                }
            }
        }

        private void sendNext(ChannelHandlerContext ctx) {
            sent++;
            sentAt = echo.sim.nanoTime();
            ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[Echo.SIZE]));
        }
    }
}
