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

/**
 * The {@code engine} transport on a {@code tun://} link: a Netty echo server on the engine, a Linux
 * kernel client in a namespace the test creates (the TUN device is moved there; every address lives
 * there). The client checks that the echo is byte-exact.
 */
class TunLinkEngineTest {
    private static final int PORT = 139;
    private static final int BYTES = 3 << 20;
    /** Sends random bytes from one thread while reading the echo; prints the count and whether it matches. */
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

    @Test
    @Timeout(60)
    void kernelClientIsEchoedByANettyServerOnTheEngine() throws Exception {
        Netns.assumeAvailable();
        String device = Netns.uniqueName("nbe");
        Transport transport = Transports.named("engine", TransportOptions.empty()
                .with(EngineConfig.ADDRESSES, TunNetwork.ENGINE).with(EngineConfig.LINK, "tun://" + device + "?mtu=1500"));
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
            // Binding opened the link, so the device exists now, with its MTU set: move it away.
            ns = Netns.create();
            Netns.run(List.of("ip", "link", "set", "dev", device, "netns", ns.name));
            ns.ip("addr", "add", TunNetwork.KERNEL + "/24", "dev", device);
            ns.ip("link", "set", "dev", device, "up");

            String result = ns.exec("python3", "-c", ECHO_CLIENT, TunNetwork.ENGINE, "" + BYTES);
            assertThat(result.strip()).isEqualTo("echoed " + BYTES + " exact True");
            TunLink link = (TunLink) ((EngineTransport) transport).engine().link();
            assertThat(link.counters().bytesIn()).isGreaterThan(BYTES);
            // On the transport's own (epoll) loops the device is read by one of them, not a thread of the link's.
            assertThat(link.readsOnEventLoop()).isEqualTo(EngineTransport.nativeLoops());
            assertThat(link.readerThread().getName()).startsWith(EngineTransport.nativeLoops() ? "nbstack-engine-"
                    : "nbstack-tun-");
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            ((EngineTransport) transport).engine().close();
            if (ns != null) {
                ns.close();
            }
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
