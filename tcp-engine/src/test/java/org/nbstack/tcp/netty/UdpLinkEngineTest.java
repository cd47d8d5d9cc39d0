package org.nbstack.tcp.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.ReferenceCounted;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nbstack.spi.Transport;
import org.nbstack.spi.TransportOptions;
import org.nbstack.spi.Transports;
import org.nbstack.spi.link.LinkContext;
import org.nbstack.spi.link.PacketLinks;
import org.nbstack.tcp.link.LoopbackUdp;
import org.nbstack.tcp.link.UdpDropReason;
import org.nbstack.tcp.link.UdpLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two {@code engine} transports linked by {@code udp} on 127.0.0.1: a Netty server on one, a Netty client
 * on the other, an echo of a few MiB byte-exact; garbage datagrams are counted and do not disturb serving.
 */
class UdpLinkEngineTest {
    private static final Logger log = LoggerFactory.getLogger(UdpLinkEngineTest.class);
    private static final String SERVER_ADDRESS = "10.139.0.1";
    private static final String CLIENT_ADDRESS = "10.139.0.2";
    private static final String GARBAGE_ADDRESS = "10.139.0.9";
    private static final long TOTAL = 4L << 20;

    @Test
    @Timeout(60)
    void nettyEchoOverUdpLinkIsByteExactAndGarbageIsCounted() throws Exception {
        try (DatagramSocket garbage = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                DatagramSocket stranger = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int serverPort = LoopbackUdp.freePort();
            int clientPort = LoopbackUdp.freePort();
            // The garbage socket is a configured peer, so its datagrams meet the IPv4/TCP check.
            Transport server = engine(SERVER_ADDRESS, "udp://127.0.0.1:" + serverPort + "?peer." + CLIENT_ADDRESS
                    + "=127.0.0.1:" + clientPort + "&peer." + GARBAGE_ADDRESS + "=127.0.0.1:" + garbage.getLocalPort());
            Transport client = engine(CLIENT_ADDRESS, "udp://127.0.0.1:" + clientPort + "?peer." + SERVER_ADDRESS
                    + "=127.0.0.1:" + serverPort + "&mtu=9000");
            EventLoopGroup serverGroup = server.newEventLoopGroup(2);
            EventLoopGroup clientGroup = client.newEventLoopGroup(1);
            try {
                Channel listener = new ServerBootstrap().group(serverGroup)
                        .channelFactory(server.serverChannelFactory())
                        .childHandler(new ChannelInitializer<>() {
                            @Override
                            protected void initChannel(Channel ch) {
                                ch.pipeline().addLast(new SimLinkEchoTest.EchoHandler());
                            }
                        })
                        .bind(new InetSocketAddress(SERVER_ADDRESS, 7)).sync().channel();
                echo(client, clientGroup, listener, 4242);

                UdpLink serverLink = (UdpLink) engineOf(server).link();
                // The engine's own loops are epoll loops where epoll loads; the link's socket is on one of them.
                assertThat(serverLink.isNative()).isEqualTo(EngineTransport.nativeLoops());
                assertThat(serverLink.eventLoop().parent()).isSameAs(serverGroup);
                // Where the kernel has UDP GSO, the echoed data left in GSO sends (runs of full-MSS segments).
                boolean gso = EngineTransport.nativeLoops() && EpollDatagramChannel.isSegmentedDatagramPacketSupported();
                assertThat(serverLink.offloads()).isEqualTo(gso);
                assertThat(serverLink.udpCounters().gsoSends() > 0).isEqualTo(gso);
                byte[] junk = {1, 2, 3};
                byte[] ipv6 = new byte[60];
                ipv6[0] = 0x60;
                LoopbackUdp.send(garbage, junk, serverPort);
                LoopbackUdp.send(garbage, ipv6, serverPort);
                LoopbackUdp.send(stranger, ipv6, serverPort);
                LoopbackUdp.awaitTrue(() -> serverLink.udpCounters().totalDrops() >= 3);
                assertThat(serverLink.udpCounters().drops(UdpDropReason.TOO_SHORT)).isEqualTo(1);
                assertThat(serverLink.udpCounters().drops(UdpDropReason.NOT_IPV4)).isEqualTo(1);
                assertThat(serverLink.udpCounters().drops(UdpDropReason.UNKNOWN_SENDER)).isEqualTo(1);
                assertThat(serverLink.counters().drops()).isEqualTo(3);
                assertThat(serverLink.counters().packetsIn()).isPositive();
                assertThat(serverLink.counters().bytesOut()).isGreaterThan(TOTAL);

                echo(client, clientGroup, listener, 4343); // still serving after the garbage
                listener.close().sync();
            } finally {
                clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
                serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
                engineOf(client).close();
                engineOf(server).close();
            }
        }
    }

    @Test
    @Timeout(30)
    void aLinkThatCannotOpenFailsTheBindInsteadOfHangingIt() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Transport server = engine(SERVER_ADDRESS, "udp://127.0.0.1:" + taken.getLocalPort() + "?peer." + CLIENT_ADDRESS
                    + "=127.0.0.1:1");
            EventLoopGroup group = server.newEventLoopGroup(1);
            try {
                ChannelFuture bind = new ServerBootstrap().group(group).channelFactory(server.serverChannelFactory())
                        .childHandler(new ChannelInboundHandlerAdapter()).bind(SERVER_ADDRESS, 139);
                assertThat(bind.await(10, TimeUnit.SECONDS)).as("the bind completes").isTrue();
                assertThat(bind.cause()).as("the bind fails").isNotNull()
                        .hasMessageContaining("cannot bind 127.0.0.1:" + taken.getLocalPort());
            } finally {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
                engineOf(server).close();
            }
        }
    }

    @Test
    @Timeout(60)
    void theUdpPortIsFreeOnceTheLoopsHaveStoppedAndTheEngineIsClosed() throws Exception {
        int port = LoopbackUdp.freePort();
        for (int round = 0; round < 10; round++) {
            Engine engine = Engine.create(EngineConfig.of(SERVER_ADDRESS, "udp://127.0.0.1:" + port + "?peer." + CLIENT_ADDRESS
                    + "=127.0.0.1:1"));
            Transport server = new EngineTransport(engine);
            EventLoopGroup group = server.newEventLoopGroup(1);
            new ServerBootstrap().group(group).channelFactory(server.serverChannelFactory())
                    .childHandler(new ChannelInboundHandlerAdapter()).bind(SERVER_ADDRESS, 139).sync();
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly(); // as a server stops
            engine.close();
            try (DatagramSocket again = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
                assertThat(again.getLocalPort()).as("round " + round).isEqualTo(port);
            }
        }
    }

    @Test
    void badUdpUrisFailWithTheBadPartNamed() {
        assertThatThrownBy(() -> open("udp://127.0.0.1?peer.10.0.0.2=127.0.0.1:1"))
                .hasMessageContaining("needs <bind-host>:<port>");
        assertThatThrownBy(() -> open("udp://127.0.0.1:0?peer.10.0.0=127.0.0.1:1"))
                .hasMessageContaining("'10.0.0' is not an IPv4 address");
        assertThatThrownBy(() -> open("udp://127.0.0.1:0?peer.10.0.0.2=127.0.0.1"))
                .hasMessageContaining("is not <host>:<port>");
        assertThatThrownBy(() -> open("udp://127.0.0.1:0?peers=x"))
                .hasMessageContaining("unknown parameter 'peers'");
        assertThatThrownBy(() -> open("udp://127.0.0.1:0?mtu=70000"))
                .hasMessageContaining("mtu=70000 is not an integer in 68..65507");
        assertThatThrownBy(() -> open("udp://127.0.0.1:0?gso=maybe")).hasMessageContaining("gso=maybe is not true or false");
    }

    /** Opens {@code uri} as the engine would; a good URI's link is closed again at once. */
    private static void open(String uri) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            PacketLinks.open(PacketLinks.parse(uri), new LinkContext(List.of(), ReferenceCounted::release,
                    ByteBufAllocator.DEFAULT, group)).close();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static void echo(Transport client, EventLoopGroup group, Channel listener, long seed) throws Exception {
        CompletableFuture<Long> verified = new CompletableFuture<>();
        Channel ch = new Bootstrap().group(group).channelFactory(client.channelFactory())
                .handler(new SimLinkEchoTest.PatternSender(TOTAL, 32 * 1024, seed, verified))
                .connect(listener.localAddress()).sync().channel();
        try {
            long start = System.nanoTime();
            assertThat(verified.get(30, TimeUnit.SECONDS)).isEqualTo(TOTAL);
            log.info("echoed {} MiB over udp in {} ms; client link {}; client TCP: {}", TOTAL >> 20,
                    (System.nanoTime() - start) / 1_000_000, engineOf(client).link(), engineOf(client).tcpSummary());
        } finally {
            ch.close().sync();
        }
    }

    private static Transport engine(String address, String link) {
        return Transports.named("engine", TransportOptions.empty().with(EngineConfig.ADDRESSES, address)
                .with(EngineConfig.LINK, link));
    }

    private static Engine engineOf(Transport t) {
        return ((EngineTransport) t).engine();
    }
}
