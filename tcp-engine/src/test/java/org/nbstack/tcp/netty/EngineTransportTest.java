package org.nbstack.tcp.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nbstack.spi.Transport;
import org.nbstack.spi.TransportOptions;
import org.nbstack.spi.Transports;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.core.congestion.CongestionAlgorithm;

/** The {@code engine} transport as ordinary Netty code sees it: found by name, options, errors, timeouts. */
class EngineTransportTest {

    @Test
    @Timeout(30)
    void ordinaryNettyCodeBindsLoopbackAndConnectsUnchanged() throws Exception {
        Transport transport = Transports.named("engine");
        assertThat(transport.tcpUserTimeoutOption()).contains(EngineChannelOption.TCP_USER_TIMEOUT);
        EventLoopGroup group = transport.newEventLoopGroup(2);
        try {
            // Epoll loops where Netty's native transport loads (the links register their sockets there), NIO otherwise.
            assertThat(((io.netty.channel.IoEventLoop) group.next()).isCompatible(io.netty.channel.epoll.EpollIoHandle.class))
                    .isEqualTo(io.netty.channel.epoll.Epoll.isAvailable());
            assertThat(((io.netty.channel.IoEventLoop) group.next()).isCompatible(io.netty.channel.nio.NioIoHandle.class))
                    .isEqualTo(!io.netty.channel.epoll.Epoll.isAvailable());
            Channel server = new ServerBootstrap().group(group).channelFactory(transport.serverChannelFactory())
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
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            CompletableFuture<String> reply = new CompletableFuture<>();
            Channel client = new Bootstrap().group(group).channelFactory(transport.channelFactory())
                    .handler(new SimpleChannelInboundHandler<ByteBuf>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                            reply.complete(msg.toString(StandardCharsets.US_ASCII));
                        }
                    }).connect(server.localAddress()).sync().channel();
            client.writeAndFlush(Unpooled.copiedBuffer("hello engine", StandardCharsets.US_ASCII));
            assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("hello engine");
            assertThat(((InetSocketAddress) client.localAddress()).getAddress().getHostAddress()).isEqualTo("127.0.0.1");
            assertThat(client.remoteAddress()).isEqualTo(server.localAddress());
            client.close().sync();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void socketOptionsRoundTripAndBecomeTheConnectionsTcpConfig() throws Exception {
        EngineSocketChannel ch = new EngineSocketChannel(Engine.defaultEngine());
        ch.config().setOptions(Map.of(ChannelOption.SO_RCVBUF, 128 * 1024, ChannelOption.SO_SNDBUF, 96 * 1024,
                ChannelOption.TCP_NODELAY, false, ChannelOption.SO_KEEPALIVE, true, ChannelOption.SO_LINGER, 0,
                EngineChannelOption.TCP_KEEPIDLE, 30, EngineChannelOption.TCP_KEEPINTVL, 5,
                EngineChannelOption.TCP_KEEPCNT, 4, EngineChannelOption.TCP_USER_TIMEOUT, 2500));
        assertThat(ch.config().getOption(ChannelOption.SO_RCVBUF)).isEqualTo(128 * 1024);
        assertThat(ch.config().getOption(EngineChannelOption.TCP_KEEPCNT)).isEqualTo(4);
        TcpConfig tcp = ch.config().apply(TcpConfig.DEFAULT);
        assertThat(tcp.receiveBuffer()).isEqualTo(128 * 1024);
        assertThat(tcp.sendBuffer()).isEqualTo(96 * 1024);
        assertThat(tcp.noDelay()).isFalse();
        assertThat(tcp.keepAlive()).isTrue();
        assertThat(tcp.keepAliveIdleNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(30));
        assertThat(tcp.keepAliveIntervalNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(5));
        assertThat(tcp.keepAliveCount()).isEqualTo(4);
        assertThat(tcp.userTimeoutNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(2500));
        assertThatThrownBy(() -> ch.config().setOption(EngineChannelOption.TCP_KEEPCNT, 0))
                .hasMessageContaining("allowed: >= 1");
    }

    @Test
    void congestionControlIsAChannelOptionByName() {
        EngineSocketChannel ch = new EngineSocketChannel(Engine.defaultEngine());
        assertThat(ch.config().getOption(EngineChannelOption.CONGESTION_CONTROL)).isEqualTo("cubic");
        ch.config().setOption(EngineChannelOption.CONGESTION_CONTROL, "NewReno");
        assertThat(ch.config().getOption(EngineChannelOption.CONGESTION_CONTROL)).isEqualTo("newreno");
        assertThat(ch.config().apply(TcpConfig.DEFAULT).congestionControl()).isEqualTo(CongestionAlgorithm.NEWRENO);
        assertThatThrownBy(() -> ch.config().setOption(EngineChannelOption.CONGESTION_CONTROL, "bbr"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown congestion control 'bbr', allowed: newreno, cubic");
        assertThat(ch.config().getOption(EngineChannelOption.CONGESTION_CONTROL)).isEqualTo("newreno");
    }

    @Test
    void badTransportOptionsSayWhatIsWrong() {
        assertThatThrownBy(() -> Transports.named("engine", TransportOptions.of("addresses", "300.1.1.1")))
                .hasMessageContaining("'300.1.1.1' is not an IPv4 address");
        assertThatThrownBy(() -> Transports.named("engine", TransportOptions.of("link", "bogus://x")))
                .hasMessageContaining("unknown link scheme 'bogus'");
    }

    @Test
    @Timeout(30)
    void userTimeoutAbortsAConnectionWhosePeerVanished() throws Exception {
        try (EnginePair pair = new EnginePair("mem://user-timeout", 1)) {
            Channel server = echoServer(pair, 9001);
            CompletableFuture<Throwable> failure = new CompletableFuture<>();
            Channel client = client(pair, server, failure);
            client.config().setOption(EngineChannelOption.TCP_USER_TIMEOUT, 300);
            pair.server.link().close(); // the peer vanishes: nothing reaches it any more
            long start = System.nanoTime();
            client.writeAndFlush(Unpooled.wrappedBuffer(new byte[1000]));
            Throwable cause = failure.get(10, TimeUnit.SECONDS);
            assertThat(cause).hasMessageContaining("timed out").hasMessageContaining("user timeout");
            assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
            assertThat(client.closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
            server.close().sync();
        }
    }

    @Test
    @Timeout(30)
    void keepaliveFindsADeadPeer() throws Exception {
        try (EnginePair pair = new EnginePair("mem://keepalive", 1)) {
            Channel server = echoServer(pair, 9002);
            CompletableFuture<Throwable> failure = new CompletableFuture<>();
            Channel client = client(pair, server, failure);
            client.config().setOptions(Map.of(ChannelOption.SO_KEEPALIVE, true, EngineChannelOption.TCP_KEEPIDLE, 1,
                    EngineChannelOption.TCP_KEEPINTVL, 1, EngineChannelOption.TCP_KEEPCNT, 2));
            pair.server.link().close();
            Throwable cause = failure.get(15, TimeUnit.SECONDS);
            assertThat(cause).hasMessageContaining("keepalive");
            assertThat(client.closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
            server.close().sync();
        }
    }

    private static Channel echoServer(EnginePair pair, int port) throws InterruptedException {
        return new ServerBootstrap().group(pair.serverGroup)
                .channelFactory(() -> new EngineServerSocketChannel(pair.server))
                .childHandler(new SimLinkEchoTest.EchoHandler())
                .bind(new InetSocketAddress(EnginePair.SERVER_ADDRESS, port)).sync().channel();
    }

    private static Channel client(EnginePair pair, Channel server, CompletableFuture<Throwable> failure)
            throws InterruptedException {
        return new Bootstrap().group(pair.clientGroup).channelFactory(() -> new EngineSocketChannel(pair.client))
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        failure.complete(cause);
                    }
                }).connect(server.localAddress()).sync().channel();
    }
}
