package org.nbstack.tcp.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nbstack.spi.Transport;
import org.nbstack.spi.TransportOptions;
import org.nbstack.spi.Transports;
import org.nbstack.tcp.ip.IpCounters;
import org.nbstack.tcp.netty.EngineConfig;
import org.nbstack.tcp.netty.EngineTransport;
import org.nbstack.tcp.stack.TcpStack;
import org.nbstack.tcp.wire.DropReason;

/**
 * The packet-level suite (issue 12): the engine transport serving on a {@code tun://} link whose kernel side sits
 * in a namespace the test creates, driven by crafted packets (scapy, {@code packet-suite/packet_suite.py}) from a
 * peer address the kernel does not own. The script checks exact replies and timing: handshake options and MSS
 * against the MTU, LAND, invalid sources, malformed headers and options, ICMP echo and "fragmentation needed", a
 * fragmented SYN, SYNs into TIME_WAIT, lost-FIN backoff. Here the engine's own counters confirm what it dropped.
 */
class PacketSuiteTest {
    private static final int PORT = 139;
    private static final int MTU = 1400;
    private static final String PYTHON = "/usr/bin/python3";

    @Test
    @Timeout(120)
    void craftedPacketsGetExactlyTheRepliesTheRfcsPrescribe() throws Exception {
        Netns.assumeAvailable();
        assumeTrue(Files.isExecutable(Path.of(PYTHON)) && Netns.runForResult(List.of(PYTHON, "-c", "import scapy.all"))
                .exit() == 0, "skipped: Debian's python3-scapy is not installed (" + PYTHON + " cannot import scapy)");
        Path script = Files.createTempFile("packet_suite", ".py");
        try (InputStream in = PacketSuiteTest.class.getResourceAsStream("/packet-suite/packet_suite.py")) {
            Files.write(script, in.readAllBytes());
        }
        String device = Netns.uniqueName("nbp");
        Transport transport = Transports.named("engine", TransportOptions.empty()
                .with(EngineConfig.ADDRESSES, TunNetwork.ENGINE).with(EngineConfig.LINK, "tun://" + device + "?mtu=" + MTU));
        EngineTransport engine = (EngineTransport) transport;
        EventLoopGroup group = transport.newEventLoopGroup(2);
        Netns ns = null;
        try {
            Channel server = new ServerBootstrap().group(group).channelFactory(transport.serverChannelFactory())
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new EchoUntilClose());
                        }
                    })
                    .bind(new InetSocketAddress(TunNetwork.ENGINE, PORT)).sync().channel();
            ns = Netns.create();
            Netns.run(List.of("ip", "link", "set", "dev", device, "netns", ns.name));
            ns.ip("addr", "add", TunNetwork.KERNEL + "/24", "dev", device);
            ns.ip("link", "set", "dev", device, "up");

            Netns.Result run = ns.tryExec(PYTHON, script.toString(), device, TunNetwork.ENGINE, "" + PORT, "" + MTU);
            String output = run.output().strip();
            assertThat(output.lines().filter(l -> l.startsWith("FAIL"))).as(output).isEmpty();
            assertThat(output).as(output).matches("(?s).*\\n\\d+ passed, 0 failed$");
            assertThat(run.exit()).as(output).isZero();

            List<TcpStack> stacks = engine.engine().stacks();
            assertThat(sum(stacks, s -> s.drops().get(DropReason.OWN_SOURCE_ADDRESS))).as("the LAND packet").isEqualTo(1);
            assertThat(sum(stacks, s -> s.drops().get(DropReason.BAD_ADDRESS))).as("four martian sources").isEqualTo(4);
            assertThat(sum(stacks, s -> s.drops().get(DropReason.BAD_PORT))).as("two port-0 SYNs").isEqualTo(2);
            assertThat(sum(stacks, s -> ip(s).echoRepliesSent)).isEqualTo(1);
            assertThat(sum(stacks, s -> ip(s).pathMtuLowered)).isEqualTo(1);
            assertThat(sum(stacks, s -> ip(s).datagramsReassembled)).isEqualTo(1);
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            engine.engine().close();
            if (ns != null) {
                ns.close();
            }
            Files.deleteIfExists(script);
        }
    }

    private static IpCounters ip(TcpStack s) {
        return s.ipInput().counters();
    }

    private static long sum(List<TcpStack> stacks, java.util.function.ToLongFunction<TcpStack> f) {
        return stacks.stream().mapToLong(f).sum();
    }

    /** Echoes every segment; answers "BIG" with 4000 octets; closes the connection (our FIN first) on "CLOSE". */
    private static final class EchoUntilClose extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
            String text = msg.toString(StandardCharsets.US_ASCII);
            if (text.contains("CLOSE")) {
                ctx.close();
            } else if (text.contains("BIG")) {
                ctx.writeAndFlush(ctx.alloc().buffer(4000).writeZero(4000));
            } else {
                ctx.writeAndFlush(msg.retain());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

}
