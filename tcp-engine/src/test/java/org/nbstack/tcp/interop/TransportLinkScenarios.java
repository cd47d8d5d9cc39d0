package org.nbstack.tcp.interop;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.nbstack.spi.TransportOptions;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.link.LoopbackUdp;
import org.nbstack.tcp.link.TunLink;
import org.nbstack.tcp.link.UdpLink;
import org.nbstack.tcp.netty.EngineConfig;
import org.nbstack.tcp.netty.EngineTransport;
import org.nbstack.tcp.stack.StackConfig;
import org.nbstack.tcp.wire.Ipv4;

/**
 * The link measurements through the whole {@code engine} transport: Netty channels on the transport's own
 * (epoll) loops, the {@code tun://} link reading on such a loop and the {@code udp://} link's socket
 * registered on one. {@link LinkScenarios} measures the bare stacks on the same links (its own drivers).
 */
public final class TransportLinkScenarios {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TransportLinkScenarios.class);
    private static final int PORT = 445;
    private static final int TUN_MTU = 65535;

    private TransportLinkScenarios() {
    }

    /** The kernel in a namespace sends {@code bytes} to a Netty sink on the engine over {@code tun://}; MB/s. */
    public static LinkScenarios.Result tunKernelToEngine(long bytes) throws Exception {
        try (TunTransport t = new TunTransport(TunNetwork.tcpFor(TUN_MTU), new Sink())) {
            String done = KernelPeer.start(t.ns, "connect", TunNetwork.ENGINE, "" + PORT, "0", "source", "" + bytes)
                    .await("done", 600_000);
            log.info("engine transport over tun, kernel -> engine: {}", t.summary());
            return new LinkScenarios.Result(bytes / KernelPeer.number(done, "seconds") / 1e6, "MB/s");
        }
    }

    /** 64-byte request/response from a kernel client to a Netty echo on the engine over {@code tun://}; us. */
    public static double[] tunRequestResponse(int rounds) throws Exception {
        try (TunTransport t = new TunTransport(TunNetwork.tcpFor(TUN_MTU).toBuilder().noDelay(true).build(), new Echo())) {
            String done = KernelPeer.start(t.ns, "connect", TunNetwork.ENGINE, "" + PORT, "0", "rr", "" + rounds)
                    .await("done", 600_000);
            return KernelPeer.numbers(done, "latencies_us");
        }
    }

    /** A Netty client on one engine sends {@code bytes} to a Netty sink on another over {@code udp://} links; MB/s. */
    public static LinkScenarios.Result udpEngineToEngine(long bytes, int mtu) throws Exception {
        return udpEngineToEngine(bytes, mtu, true);
    }

    /** The same with UDP GSO/GRO on the links ({@code gso}, where the kernel has them) or off. */
    public static LinkScenarios.Result udpEngineToEngine(long bytes, int mtu, boolean gso) throws Exception {
        String a = "10.89.0.1";
        String b = "10.89.0.2";
        int portA = LoopbackUdp.freePort();
        int portB = LoopbackUdp.freePort();
        TcpConfig tcp = TcpConfig.builder().mss(mtu - 40).receiveBuffer(4 << 20).sendBuffer(4 << 20)
                .timeWait(java.time.Duration.ofMillis(100)).build();
        String options = "?mtu=" + mtu + "&gso=" + gso;
        EngineTransport server = transport(a, "udp://127.0.0.1:" + portA + options + "&peer." + b + "=127.0.0.1:" + portB,
                tcp);
        EngineTransport client = transport(b, "udp://127.0.0.1:" + portB + options + "&peer." + a + "=127.0.0.1:" + portA,
                tcp);
        EventLoopGroup serverLoops = server.newEventLoopGroup(1);
        EventLoopGroup clientLoops = client.newEventLoopGroup(1);
        try {
            Sink sink = new Sink();
            Channel listener = new ServerBootstrap().group(serverLoops).channelFactory(server.serverChannelFactory())
                    .childHandler(sink).bind(new InetSocketAddress(a, PORT)).sync().channel();
            CompletableFuture<Void> sent = new CompletableFuture<>();
            long start = System.nanoTime();
            Channel ch = new Bootstrap().group(clientLoops).channelFactory(client.channelFactory())
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 4 << 20))
                    .handler(new Source(bytes, sent)).connect(listener.localAddress()).sync().channel();
            sent.get(600, TimeUnit.SECONDS);
            sink.done.get(600, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (sink.received.get() != bytes) {
                throw new IllegalStateException("received " + sink.received.get() + " of " + bytes);
            }
            requireNative((UdpLink) server.engine().link());
            log.info("engine transport over udp, MTU {}: sender {}; links {} / {}", mtu, client.engine().tcpSummary(),
                    client.engine().link(), server.engine().link());
            ch.close().sync();
            listener.close().sync();
            return new LinkScenarios.Result(bytes / seconds / 1e6, "MB/s");
        } finally {
            clientLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            serverLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            client.engine().close();
            server.engine().close();
        }
    }

    private static void requireNative(UdpLink link) {
        if (EngineTransport.nativeLoops() && !link.isNative()) {
            throw new IllegalStateException("the udp link is not on an epoll datagram channel: " + link);
        }
    }

    private static EngineTransport transport(String address, String link, TcpConfig tcp) {
        EngineConfig config = EngineConfig.from(TransportOptions.empty().with(EngineConfig.ADDRESSES, address)
                .with(EngineConfig.LINK, link)).withStack(StackConfig.of(Ipv4.parse(address)).withTcp(tcp));
        return new EngineTransport(org.nbstack.tcp.netty.Engine.create(config));
    }

    /** An engine transport on a fresh {@code tun://} device (MTU 65,535) moved into a namespace of its own. */
    private static final class TunTransport implements AutoCloseable {
        final EngineTransport transport;
        final EventLoopGroup loops;
        Netns ns;

        TunTransport(TcpConfig tcp, ChannelInboundHandlerAdapter handler) throws Exception {
            Netns.assumeAvailable();
            String device = Netns.uniqueName("nbb");
            transport = transport(TunNetwork.ENGINE, "tun://" + device + "?mtu=" + TUN_MTU, tcp);
            loops = transport.newEventLoopGroup(1);
            try {
                new ServerBootstrap().group(loops).channelFactory(transport.serverChannelFactory()).childHandler(handler)
                        .bind(new InetSocketAddress(TunNetwork.ENGINE, PORT)).sync();
                TunLink link = (TunLink) transport.engine().link();
                if (EngineTransport.nativeLoops() && !link.readsOnEventLoop()) {
                    throw new IllegalStateException("the tun link does not read on the engine's epoll loop");
                }
                ns = Netns.create();
                Netns.run(List.of("ip", "link", "set", "dev", device, "netns", ns.name));
                ns.ip("addr", "add", TunNetwork.KERNEL + "/24", "dev", device);
                ns.ip("link", "set", "dev", device, "up");
            } catch (Exception | Error e) {
                close();
                throw e;
            }
        }

        String summary() {
            return transport.engine().link() + "; engine " + transport.engine().tcpSummary();
        }

        @Override
        public void close() throws InterruptedException {
            transport.engine().close();
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            if (ns != null) {
                ns.close();
            }
        }
    }

    /** Counts what arrives; done once the peer has closed its side (the channel then closes). */
    @io.netty.channel.ChannelHandler.Sharable
    private static final class Sink extends ChannelInboundHandlerAdapter {
        final AtomicLong received = new AtomicLong();
        final CompletableFuture<Void> done = new CompletableFuture<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            received.addAndGet(b.readableBytes());
            b.release();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.complete(null);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.completeExceptionally(cause);
            ctx.close();
        }
    }

    @io.netty.channel.ChannelHandler.Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Writes {@code total} bytes in 64 KiB buffers while the channel is writable, then closes it. */
    private static final class Source extends ChannelInboundHandlerAdapter {
        private static final int CHUNK = 64 * 1024;
        private final long total;
        private final CompletableFuture<Void> sent;
        private long written;

        Source(long total, CompletableFuture<Void> sent) {
            this.total = total;
            this.sent = sent;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            pump(ctx);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            pump(ctx);
        }

        private void pump(ChannelHandlerContext ctx) {
            Channel ch = ctx.channel();
            while (written < total && ch.isWritable()) {
                int n = (int) Math.min(CHUNK, total - written);
                ByteBuf b = ctx.alloc().directBuffer(n).writeZero(n);
                written += n;
                ctx.write(b);
            }
            ctx.flush();
            if (written == total && !sent.isDone()) {
                ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(f -> {
                    sent.complete(null);
                    ctx.close();
                });
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            sent.completeExceptionally(cause);
            ctx.close();
        }
    }
}
