package org.nbstack.netbios.client;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.nbstack.netbios.codec.NbssFrameDecoder;
import org.nbstack.netbios.codec.NbssFrameEncoder;
import org.nbstack.netbios.codec.SessionRequest;
import org.nbstack.netbios.metrics.NetbiosMetrics;
import org.nbstack.netbios.name.NetbiosName;
import org.nbstack.netbios.session.NetbiosSession;
import org.nbstack.netbios.session.SessionRegistry;
import org.nbstack.netbios.session.SessionStatus;
import org.nbstack.spi.Transport;
import org.nbstack.spi.Transports;
import reactor.core.publisher.Mono;

/**
 * A NetBIOS session client on any {@link Transport}: connects, sends the SESSION REQUEST, follows RETARGETs
 * (bounded), and hands back a {@link NetbiosSession} with the same bounded queues a server session has.
 */
public final class NetbiosClient implements AutoCloseable {

    private static final NbssFrameEncoder ENCODER = new NbssFrameEncoder();

    private final Transport transport;
    private final EventLoopGroup group;
    private final ClientContext context;

    private NetbiosClient(Transport transport, NetbiosClientSettings settings, MeterRegistry meters) {
        this.transport = transport;
        NetbiosMetrics metrics = meters == null ? NetbiosMetrics.unregistered("client") : new NetbiosMetrics(meters, "client");
        SessionRegistry sessions = new SessionRegistry();
        if (meters != null) {
            metrics.bindSessionGauges(sessions::size, sessions::queueTotals);
        }
        this.context = new ClientContext(settings, metrics, sessions, new AtomicLong());
        this.group = transport.newEventLoopGroup(settings.eventLoopThreads());
    }

    /** A client on the transport called {@code transportName}, with default settings and no metrics. */
    public static NetbiosClient create(String transportName) {
        return create(Transports.named(transportName), NetbiosClientSettings.DEFAULT, null);
    }

    /** @param meters where to record client metrics, or null for none */
    public static NetbiosClient create(Transport transport, NetbiosClientSettings settings, MeterRegistry meters) {
        return new NetbiosClient(transport, settings, meters);
    }

    /**
     * Connects to {@code server} and asks for a session with {@code called}. Fails with
     * {@link NegativeSessionResponseException} (carrying the code) when refused, {@link SessionRetargetedException}
     * after too many retargets, and {@link NetbiosSessionException} otherwise.
     */
    public Mono<NetbiosSession> connect(InetSocketAddress server, NetbiosName called, NetbiosName calling) {
        return connect(server, new SessionRequest(called, calling), 0);
    }

    private Mono<NetbiosSession> connect(InetSocketAddress server, SessionRequest request, int hops) {
        Mono<NetbiosSession> attempt = Mono.create(sink -> {
            NetbiosClientSettings settings = context.settings();
            Bootstrap bootstrap = new Bootstrap().group(group).channelFactory(transport.channelFactory())
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast("nbss-decoder", new NbssFrameDecoder(settings.session().maxMessageSize()))
                                    .addLast("nbss-encoder", ENCODER)
                                    .addLast(ClientEstablishmentHandler.NAME, new ClientEstablishmentHandler(context, request, sink));
                        }
                    });
            if (settings.receiveBufferSize() > 0) {
                bootstrap.option(ChannelOption.SO_RCVBUF, settings.receiveBufferSize());
            }
            ChannelFuture connecting = bootstrap.connect(server);
            connecting.addListener((ChannelFuture f) -> {
                if (!f.isSuccess()) {
                    sink.error(new NetbiosSessionException("cannot connect to " + server + " over " + transport.name() + ": "
                            + f.cause().getMessage(), f.cause()));
                }
            });
            sink.onCancel(() -> connecting.channel().close());
        });
        return attempt.onErrorResume(ClientEstablishmentHandler.Retargeted.class, retargeted -> {
            InetSocketAddress target = retargeted.response.socketAddress();
            if (hops >= context.settings().maxRetargets()) {
                return Mono.error(new SessionRetargetedException(target, hops + 1));
            }
            return connect(target, request, hops + 1);
        });
    }

    /** A snapshot of this client's sessions. */
    public List<SessionStatus> sessions() {
        return context.sessions().snapshot();
    }

    public NetbiosMetrics metrics() {
        return context.metrics();
    }

    @Override
    public void close() {
        for (NetbiosSession session : context.sessions().all()) {
            session.abort();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
