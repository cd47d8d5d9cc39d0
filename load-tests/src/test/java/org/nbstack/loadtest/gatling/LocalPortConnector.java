package org.nbstack.loadtest.gatling;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.nbstack.netbios.codec.NbssFrameDecoder;
import org.nbstack.netbios.codec.NbssFrameEncoder;
import org.nbstack.netbios.codec.NegativeResponse;
import org.nbstack.netbios.codec.PositiveResponse;
import org.nbstack.netbios.codec.SessionRequest;
import org.nbstack.netbios.metrics.NetbiosMetrics;
import org.nbstack.netbios.name.NetbiosName;
import org.nbstack.netbios.session.ChannelSession;
import org.nbstack.netbios.session.NetbiosSession;
import org.nbstack.netbios.session.SessionRegistry;
import org.nbstack.netbios.session.SessionSettings;
import org.nbstack.spi.Transport;

/**
 * Opens NetBIOS sessions from a chosen local port, which {@code NetbiosClient} does not offer: seed 000 (Q230307) is
 * about reconnecting from the same client port at once. On the kernel's transports the port is bound with
 * SO_REUSEADDR. Once the server answers POSITIVE, the channel becomes the project's own {@link ChannelSession}.
 */
final class LocalPortConnector implements AutoCloseable {

    private static final NbssFrameEncoder ENCODER = new NbssFrameEncoder();
    private static final String ESTABLISHMENT = "loadtest-establishment";

    private final Transport transport;
    private final boolean reuseAddress;
    private final SessionSettings sessionSettings;
    private final EventLoopGroup group;
    private final NetbiosMetrics metrics = NetbiosMetrics.unregistered("client");
    private final SessionRegistry sessions = new SessionRegistry();
    private final AtomicLong ids = new AtomicLong();

    LocalPortConnector(Transport transport, boolean reuseAddress, SessionSettings sessionSettings, int threads) {
        this.transport = transport;
        this.reuseAddress = reuseAddress;
        this.sessionSettings = sessionSettings;
        this.group = transport.newEventLoopGroup(threads);
    }

    /** Connects from {@code local} to {@code server} and asks for a session with {@code called}. */
    CompletableFuture<NetbiosSession> connect(InetSocketAddress server, InetSocketAddress local, NetbiosName called,
            NetbiosName calling, Duration timeout) {
        CompletableFuture<NetbiosSession> result = new CompletableFuture<>();
        SessionRequest request = new SessionRequest(called, calling);
        Bootstrap bootstrap = new Bootstrap().group(group).channelFactory(transport.channelFactory())
                .option(ChannelOption.AUTO_READ, false) // the session reads only when its inbound queue has room
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast("nbss-decoder", new NbssFrameDecoder(sessionSettings.maxMessageSize()))
                                .addLast("nbss-encoder", ENCODER)
                                .addLast(ESTABLISHMENT, new Establishment(request, result, timeout));
                    }
                });
        if (reuseAddress) {
            bootstrap.option(ChannelOption.SO_REUSEADDR, true);
        }
        ChannelFuture connecting = bootstrap.connect(server, local);
        connecting.addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(f.cause());
            }
        });
        return result;
    }

    @Override
    public void close() {
        for (NetbiosSession session : sessions.all()) {
            session.abort();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Sends the SESSION REQUEST and turns a POSITIVE answer into a session (RFC 1002 §5.2.1.1). */
    private final class Establishment extends ChannelInboundHandlerAdapter {
        private final SessionRequest request;
        private final CompletableFuture<NetbiosSession> result;
        private final Duration timeout;
        private final long startNanos = System.nanoTime();

        Establishment(SessionRequest request, CompletableFuture<NetbiosSession> result, Duration timeout) {
            this.request = request;
            this.result = result;
            this.timeout = timeout;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.executor().schedule(() -> fail(ctx, "no answer to the SESSION REQUEST within " + timeout.toMillis() + " ms"),
                    timeout.toNanos(), TimeUnit.NANOSECONDS);
            ctx.writeAndFlush(request);
            ctx.read();
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (result.isDone()) {
                ReferenceCountUtil.release(message);
            } else if (message instanceof PositiveResponse) {
                NetbiosSession session = ChannelSession.establish(ids.incrementAndGet(), ChannelSession.Side.CLIENT, ctx.channel(),
                        ESTABLISHMENT, request.calledName(), request.callingName(), sessionSettings, metrics, sessions,
                        Duration.ofNanos(System.nanoTime() - startNanos), () -> { });
                result.complete(session);
            } else if (message instanceof NegativeResponse negative) {
                fail(ctx, "the server refused the session: " + negative.code());
            } else {
                ReferenceCountUtil.release(message);
                fail(ctx, "the server answered the SESSION REQUEST with " + message.getClass().getSimpleName());
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (!result.isDone()) {
                ctx.read();
            }
            ctx.fireChannelReadComplete();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            fail(ctx, "the server closed the connection before answering the SESSION REQUEST");
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, "session set-up failed: " + cause.getMessage());
        }

        private void fail(ChannelHandlerContext ctx, String why) {
            if (result.completeExceptionally(new IllegalStateException(why))) {
                ctx.close();
            }
        }
    }
}
