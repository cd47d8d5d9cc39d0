package org.nbstack.tcp.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nbstack.spi.Transport;
import org.nbstack.spi.TransportOptions;
import org.nbstack.spi.Transports;
import org.nbstack.tcp.link.TunLink;
import org.nbstack.tcp.netty.EngineConfig;
import org.nbstack.tcp.netty.EngineTransport;
import org.nbstack.tcp.stack.TcpStack;
import org.nbstack.tcp.wire.DropReason;

/**
 * The tun link with checksum offload ({@code offload=true}: IFF_VNET_HDR, TUN_F_CSUM) against the Linux kernel's TCP
 * in a namespace the test creates. 3 MiB echoed byte-exact proves both directions: the kernel took every segment
 * whose checksum the engine left partial (NEEDS_CSUM) and counted no checksum error, and the engine accepted the
 * kernel's segments without verifying them, counted so. A SYN with a wrong checksum sent through a raw socket, which
 * the kernel does not vouch for, is still dropped, by the link.
 */
class TunChecksumOffloadTest {
    private static final int PORT = 139;
    private static final int BYTES = 3 << 20;
    private static final String ECHO_CLIENT = String.join("\n",
            "import os, socket, sys, threading",
            "data = os.urandom(int(sys.argv[2]))",
            "s = socket.create_connection((sys.argv[1], " + PORT + "), timeout=30)",
            "def send():",
            "    s.sendall(data)",
            "    s.shutdown(socket.SHUT_WR)",
            "t = threading.Thread(target=send)",
            "t.start()",
            "got = bytearray()",
            "while True:",
            "    d = s.recv(65536)",
            "    if not d:",
            "        break",
            "    got += d",
            "t.join()",
            "print('echoed', len(got), 'exact', bytes(got) == data)");
    /** One SYN with a wrong TCP checksum through a raw socket (scapy): the kernel neither makes nor checks it. */
    private static final String BAD_SYN = String.join("\n",
            "from scapy.all import IP, TCP, send",
            "import sys",
            "send(IP(dst=sys.argv[1])/TCP(sport=40999, dport=" + PORT + ", flags='S', seq=1000, chksum=0x1234), verbose=0)");

    @Test
    @Timeout(90)
    void theKernelVouchesForItsSegmentsAndFinishesTheEnginesAndABadUnvouchedSegmentIsStillDropped() throws Exception {
        Netns.assumeAvailable();
        String device = Netns.uniqueName("nbo");
        Transport transport = Transports.named("engine", TransportOptions.empty().with(EngineConfig.ADDRESSES,
                TunNetwork.ENGINE).with(EngineConfig.LINK, "tun://" + device + "?mtu=1500&offload=true"));
        EventLoopGroup group = transport.newEventLoopGroup(2);
        Netns ns = null;
        try {
            Channel server = new ServerBootstrap().group(group).channelFactory(transport.serverChannelFactory())
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new HalfCloseEcho());
                        }
                    })
                    .bind(new InetSocketAddress(TunNetwork.ENGINE, PORT)).sync().channel();
            ns = Netns.create();
            Netns.run(List.of("ip", "link", "set", "dev", device, "netns", ns.name));
            ns.ip("addr", "add", TunNetwork.KERNEL + "/24", "dev", device);
            ns.ip("link", "set", "dev", device, "up");
            long kernelChecksumErrors = KernelCounters.tcpChecksumErrors(ns);

            String result = ns.exec("python3", "-c", ECHO_CLIENT, TunNetwork.ENGINE, "" + BYTES);
            assertThat(result.strip()).isEqualTo("echoed " + BYTES + " exact True");
            TunLink link = (TunLink) ((EngineTransport) transport).engine().link();
            List<TcpStack> stacks = ((EngineTransport) transport).engine().stacks();
            assertThat(link.guaranteesIntegrity()).isTrue();
            assertThat(KernelCounters.tcpChecksumErrors(ns)).as("the kernel finished every partial checksum")
                    .isEqualTo(kernelChecksumErrors);
            assertThat(stacks.stream().mapToLong(s -> s.counters().checksumsNotVerified).sum())
                    .as("the kernel's segments, taken on its word").isGreaterThan(BYTES / 1500);
            assertThat(stacks.stream().mapToLong(s -> s.counters().checksumsNotComputed).sum())
                    .as("the engine's segments, finished by the kernel").isGreaterThan(BYTES / 1500);
            assertThat(link.checksumDrops()).isZero();

            ns.exec("/usr/bin/python3", "-c", BAD_SYN, TunNetwork.ENGINE);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (link.checksumDrops() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(link.checksumDrops()).as("the unvouched SYN with a wrong checksum").isEqualTo(1);
            assertThat(stacks.stream().mapToLong(s -> s.drops().get(DropReason.BAD_TCP_CHECKSUM)).sum()).isZero();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            ((EngineTransport) transport).engine().close();
            if (ns != null) {
                ns.close();
            }
        }
    }

    @Test
    @Timeout(60)
    void checksumsAlwaysIsRefusedWithAnOffloadingTunLinkAndSaysWhy() throws Exception {
        Netns.assumeAvailable();
        String device = Netns.uniqueName("nba");
        org.nbstack.tcp.netty.Engine engine = org.nbstack.tcp.netty.Engine.create(EngineConfig.of(TunNetwork.ENGINE,
                "tun://" + device + "?offload=true").withStack(org.nbstack.tcp.stack.StackConfig.builder(TunNetwork.ENGINE_ADDR)
                .checksums(org.nbstack.tcp.stack.StackConfig.Checksums.ALWAYS).build()));
        EventLoopGroup group = new io.netty.channel.MultiThreadIoEventLoopGroup(1, io.netty.channel.nio.NioIoHandler.newFactory());
        try {
            Throwable failure = new ServerBootstrap().group(group)
                    .channelFactory(() -> new org.nbstack.tcp.netty.EngineServerSocketChannel(engine))
                    .childHandler(new ChannelInboundHandlerAdapter())
                    .bind(new InetSocketAddress(TunNetwork.ENGINE, PORT)).await().cause();
            assertThat(failure).hasMessageContaining("checksums = always").hasMessageContaining("offload=true");
            assertThat(engine.link()).as("the device is closed again").isNull();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            engine.close();
        }
    }

    /** Echoes everything; once the client has shut down its side, flushes and closes. */
    private static final class HalfCloseEcho extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
