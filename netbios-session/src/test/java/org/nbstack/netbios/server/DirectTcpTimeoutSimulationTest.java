package org.nbstack.netbios.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.nbstack.netbios.name.NetbiosName;
import org.nbstack.netbios.testing.TestServers;
import org.nbstack.spi.Transport;
import org.nbstack.tcp.sim.SimEngines;
import org.nbstack.tcp.sim.SimEventLoops;
import org.nbstack.tcp.sim.SimSeeds;

/**
 * The first-message timeout of a direct-TCP (port 445) listener on the engine transport, in virtual time: a client
 * that sends nothing, and one whose first frame never completes, are reset exactly at the session request timeout;
 * one that sends its first message just before it is served and kept.
 */
class DirectTcpTimeoutSimulationTest {
    private static final NetbiosName NAME = NetbiosName.server("FILESERVER");
    private static final String SERVER_ADDRESS = "10.145.0.1";
    private static final Duration ONE_WAY = Duration.ofMillis(1);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** Task costs on the way (the accept, the timer and the reset each pass a few loop tasks). */
    private static final long SLACK_NANOS = 100_000;

    @Test
    void silentAndIncompleteClientsAreResetExactlyAtTheTimeoutAndAPromptOneIsKept() {
        SimSeeds.run(DirectTcpTimeoutSimulationTest.class, "silentAndIncompleteClientsAreResetExactlyAtTheTimeoutAndAPromptOneIsKept",
                1, 20, DirectTcpTimeoutSimulationTest::scenario);
    }

    private static void scenario(long seed) throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        SimEventLoops sim = new SimEventLoops(seed);
        SimEngines engines = new SimEngines(sim, "delay=" + ONE_WAY.toNanos() / 1000 + "us");
        try {
            Transport serverTransport = engines.transport("server", SERVER_ADDRESS);
            Transport clientTransport = engines.transport("clients", "10.145.0.2");
            ListenerRegistry listeners = new ListenerRegistry();
            listeners.listen(NameListener.of(NAME, session -> session.inbound())); // echo
            NetbiosServerSettings settings = NetbiosServerSettings.builder().transport("engine").bindAddress(SERVER_ADDRESS, 445)
                    .eventLoopThreads(1).defaultName(NAME).sessionRequestTimeout(TIMEOUT).build();
            NetbiosServer server = sim.callBlocking(() -> NetbiosServer.start(serverTransport, settings, listeners, meters, new AtomicLong(),
                    NetbiosServer.Framing.DIRECT_TCP));
            EventLoopGroup clientLoops = clientTransport.newEventLoopGroup(1);
            Client silent = new Client(sim, null, null);
            Client incomplete = new Client(sim, new byte[] {0, 0, 0, 8, 1, 2}, null); // 8 octets announced, 2 sent
            Client prompt = new Client(sim, null, TIMEOUT.minusMillis(100));
            List<Channel> channels = List.of(connect(clientLoops, clientTransport, server, silent),
                    connect(clientLoops, clientTransport, server, incomplete), connect(clientLoops, clientTransport, server, prompt));
            sim.runUntil(() -> silent.closedAt >= 0 && incomplete.closedAt >= 0, TIMEOUT.multipliedBy(2));
            sim.runFor(Duration.ofMillis(500));

            // the server accepts one way after our SYN-ACK arrived, and its reset reaches us one way after its timer
            long roundTrip = 2 * ONE_WAY.toNanos();
            for (Client reset : List.of(silent, incomplete)) {
                assertThat(reset.activeAt).as("seed %d: connected", seed).isPositive();
                assertThat(reset.closedAt - reset.activeAt).as("seed %d: a client without a complete first message lived (ns)", seed)
                        .isBetween(TIMEOUT.toNanos() + roundTrip, TIMEOUT.toNanos() + roundTrip + SLACK_NANOS);
            }
            assertThat(prompt.echoed).as("seed %d: the prompt client's message came back", seed).isTrue();
            assertThat(prompt.closedAt).as("seed %d: the prompt client is still connected after the timeout", seed).isNegative();
            assertThat(TestServers.count(meters, "netbios.requests.timedout")).isEqualTo(2);
            assertThat(server.pendingConnections()).as("the reset clients' pending places are free again").isZero();
            assertThat(server.sessions()).as("only the prompt client holds a session").hasSize(1);

            channels.forEach(Channel::close);
            sim.runFor(Duration.ofMillis(100));
            sim.callBlocking(() -> {
                server.close();
                return null;
            });
        } finally {
            sim.close(); // the loops first, then the engines they drive (as SimIsolation does)
            engines.close();
        }
    }

    private static Channel connect(EventLoopGroup loops, Transport transport, NetbiosServer server, Client client) {
        return new Bootstrap().group(loops).channelFactory(transport.channelFactory())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(client);
                    }
                }).connect(server.localAddress()).channel();
    }

    /** Sends {@code onConnect} at once, a complete 5-octet frame {@code messageAfter} later (if given); notes what happens. */
    private static final class Client extends ChannelInboundHandlerAdapter {
        private final SimEventLoops sim;
        private final byte[] onConnect;
        private final Duration messageAfter;
        long activeAt = -1;
        long closedAt = -1;
        boolean echoed;

        Client(SimEventLoops sim, byte[] onConnect, Duration messageAfter) {
            this.sim = sim;
            this.onConnect = onConnect;
            this.messageAfter = messageAfter;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            activeAt = sim.nanoTime();
            if (onConnect != null) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(onConnect));
            }
            if (messageAfter != null) {
                // direct TCP framing: a zero octet, then a 24-bit length (MS-SMB2 2.1)
                ctx.executor().schedule(() -> ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o'})),
                        messageAfter.toNanos(), TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            echoed |= msg instanceof ByteBuf b && b.readableBytes() > 0;
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closedAt = sim.nanoTime();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // the server's reset
        }
    }
}
