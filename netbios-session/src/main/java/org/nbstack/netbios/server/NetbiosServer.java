package org.nbstack.netbios.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.nbstack.netbios.codec.DirectTcpFrameDecoder;
import org.nbstack.netbios.codec.DirectTcpFrameEncoder;
import org.nbstack.netbios.codec.NbssFrameDecoder;
import org.nbstack.netbios.codec.NbssFrameEncoder;
import org.nbstack.netbios.metrics.NetbiosMetrics;
import org.nbstack.netbios.name.NetbiosName;
import org.nbstack.netbios.session.ChannelSession;
import org.nbstack.netbios.session.SessionCloseReason;
import org.nbstack.netbios.session.NetbiosSession;
import org.nbstack.netbios.session.SendResult;
import org.nbstack.netbios.session.SessionRegistry;
import org.nbstack.netbios.session.SessionStatus;
import org.nbstack.spi.Transport;
import org.nbstack.spi.Transports;
import org.nbstack.spi.log.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A NetBIOS session server (RFC 1002 §5.2) on any {@link Transport}. Start it with settings, a registry of
 * listeners and a meter registry; it listens until {@link #close()}.
 */
public final class NetbiosServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NetbiosServer.class);
    private static final NbssFrameEncoder ENCODER = new NbssFrameEncoder();
    private static final DirectTcpFrameEncoder DIRECT_ENCODER = new DirectTcpFrameEncoder();
    /** At most one line per this while connections are reset for max-pending-connections: a flood must not flood the log. */
    private static final Duration PENDING_FULL_LOG_INTERVAL = Duration.ofSeconds(10);

    private final Transport transport;
    private final EventLoopGroup group;
    private final Channel listener;
    private final ListenerRegistry listeners;
    private final ServerContext context;

    private NetbiosServer(Transport transport, EventLoopGroup group, Channel listener, ListenerRegistry listeners, ServerContext context) {
        this.transport = transport;
        this.group = group;
        this.listener = listener;
        this.listeners = listeners;
        this.context = context;
    }

    /** Starts a server on the transport named in {@code settings}. */
    public static NetbiosServer start(NetbiosServerSettings settings, ListenerRegistry listeners, MeterRegistry meters) {
        return start(Transports.named(settings.transport(), settings.transportOptions()), settings, listeners, meters);
    }

    /**
     * Starts a server on {@code transport} (whose name overrides the one in {@code settings}).
     *
     * @throws NetbiosServerException if it cannot listen, saying where and why
     */
    public static NetbiosServer start(Transport transport, NetbiosServerSettings settings, ListenerRegistry listeners,
            MeterRegistry meters) {
        return start(transport, settings, listeners, meters, new AtomicLong());
    }

    /**
     * As {@link #start(Transport, NetbiosServerSettings, ListenerRegistry, MeterRegistry)}, numbering sessions from
     * {@code sessionIds}: servers that share it (the listeners of one process) never hand out the same session ID.
     */
    public static NetbiosServer start(Transport transport, NetbiosServerSettings settings, ListenerRegistry listeners,
            MeterRegistry meters, AtomicLong sessionIds) {
        return start(transport, settings, listeners, meters, sessionIds, Framing.NBSS);
    }

    /** What a connection speaks first. */
    public enum Framing {
        /** RFC 1002: a SESSION REQUEST, then SESSION MESSAGEs with 17-bit lengths. */
        NBSS,
        /**
         * MS-SMB2 2.1 direct TCP (port 445): messages with a zero octet and a 24-bit length, no session setup; every
         * connection is a session called to the default name. No KEEP ALIVE is sent (direct TCP has none).
         */
        DIRECT_TCP
    }

    /**
     * As {@link #start(Transport, NetbiosServerSettings, ListenerRegistry, MeterRegistry, AtomicLong)}, with connections
     * framed as {@code framing} says; {@link Framing#DIRECT_TCP} needs a default name.
     */
    public static NetbiosServer start(Transport transport, NetbiosServerSettings settings, ListenerRegistry listeners,
            MeterRegistry meters, AtomicLong sessionIds, Framing framing) {
        if (framing == Framing.DIRECT_TCP && settings.defaultName().isEmpty()) {
            throw new IllegalArgumentException("direct TCP serves the default name, and none is set (default-name)");
        }
        NetbiosMetrics metrics = new NetbiosMetrics(meters, "server");
        SessionRegistry sessions = new SessionRegistry();
        metrics.bindSessionGauges(sessions::size, sessions::queueTotals);
        SessionPermits pendingConnections = new SessionPermits(settings.maxPendingConnections());
        metrics.bindPendingGauge(pendingConnections::used);
        ServerContext context = new ServerContext(settings, settings.sessionSettings(),
                new SessionEstablishment(listeners, new SessionPermits(settings.maxSessions()), settings), sessions, metrics,
                sessionIds, pendingConnections, new RateLimitedLog(log, PENDING_FULL_LOG_INTERVAL),
                new SourceLimit(settings.maxPendingPerSource()), new RateLimitedLog(log, PENDING_FULL_LOG_INTERVAL));
        EventLoopGroup group = transport.newEventLoopGroup(settings.eventLoopThreads());
        try {
            ServerBootstrap bootstrap = new ServerBootstrap().group(group).channelFactory(transport.serverChannelFactory())
                    .option(ChannelOption.SO_BACKLOG, settings.backlog())
                    .childOption(ChannelOption.AUTO_READ, false) // each session reads only when its inbound queue has room
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_KEEPALIVE, settings.tcpKeepAlive())
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(
                            settings.writeBufferHighWaterMark() / 2, settings.writeBufferHighWaterMark()))
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            if (framing == Framing.DIRECT_TCP) {
                                ch.pipeline().addLast("direct-decoder", new DirectTcpFrameDecoder(settings.maxMessageSize()))
                                        .addLast("direct-encoder", DIRECT_ENCODER)
                                        .addLast(DirectSessionHandler.NAME, new DirectSessionHandler(context));
                                return;
                            }
                            ch.pipeline().addLast("nbss-decoder", new NbssFrameDecoder(settings.maxMessageSize()))
                                    .addLast("nbss-encoder", ENCODER)
                                    .addLast(EstablishmentHandler.NAME, new EstablishmentHandler(context));
                        }
                    });
            if (settings.sendBufferSize() > 0) {
                bootstrap.childOption(ChannelOption.SO_SNDBUF, settings.sendBufferSize());
            }
            if (settings.receiveBufferSize() > 0) {
                bootstrap.childOption(ChannelOption.SO_RCVBUF, settings.receiveBufferSize());
            }
            if (!settings.tcpUserTimeout().isZero()) {
                transport.tcpUserTimeoutOption().ifPresentOrElse(
                        option -> bootstrap.childOption(option, (int) settings.tcpUserTimeout().toMillis()),
                        () -> log.warn("transport {} has no TCP user timeout; tcp-user-timeout is ignored", transport.name()));
            }
            Channel channel = bootstrap.bind(settings.bindAddress()).syncUninterruptibly().channel();
            log.debug("NetBIOS session service listening on {} ({} transport)", channel.localAddress(), transport.name());
            return new NetbiosServer(transport, group, channel, listeners, context);
        } catch (Exception e) { // bind() failures arrive as a checked BindException, rethrown unchecked by Netty
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            // only a refused privileged port gets the hint: not a port in use, nor an engine's link that cannot bind
            String hint = settings.bindAddress().getPort() < 1024 && String.valueOf(e.getMessage()).contains("Permission denied")
                    ? " (ports below 1024 need root or CAP_NET_BIND_SERVICE; or choose another port)" : "";
            throw new NetbiosServerException("cannot listen on " + settings.bindAddress() + " with the " + transport.name()
                    + " transport: " + e.getMessage() + hint, e);
        }
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.localAddress();
    }

    public Transport transport() {
        return transport;
    }

    public ListenerRegistry listeners() {
        return listeners;
    }

    public NetbiosServerSettings settings() {
        return context.settings();
    }

    /** Connections accepted and still waiting for their SESSION REQUEST to be answered, at most max-pending-connections. */
    public int pendingConnections() {
        return context.pendingConnections().used();
    }

    /** A snapshot of every established session. Never waits for a session, so it answers while sessions fail. */
    public List<SessionStatus> sessions() {
        return context.sessions().snapshot();
    }

    public Optional<NetbiosSession> session(long id) {
        return context.sessions().find(id);
    }

    /** Queues {@code message} on one session without blocking; released if the session is gone. */
    public SendResult send(long sessionId, ByteBuf message) {
        Optional<NetbiosSession> session = session(sessionId);
        if (session.isEmpty()) {
            message.release();
            return SendResult.SESSION_CLOSED;
        }
        return session.get().send(message);
    }

    /**
     * Queues {@code message} on every session whose called name is {@code calledName}, without blocking: a
     * session whose queue is full gets its overflow policy, and no other session notices. Takes ownership of
     * {@code message}.
     */
    public BroadcastResult sendToAll(NetbiosName calledName, ByteBuf message) {
        int queued = 0;
        int dropped = 0;
        int closed = 0;
        try {
            for (NetbiosSession session : context.sessions().called(calledName)) {
                switch (session.send(message.retainedDuplicate())) {
                    case QUEUED -> queued++;
                    case SESSION_CLOSED, SESSION_CLOSED_BY_POLICY -> closed++;
                    case DROPPED_QUEUE_FULL, DROPPED_TOO_LARGE -> dropped++;
                }
            }
        } finally {
            message.release();
        }
        return new BroadcastResult(queued, dropped, closed);
    }

    /** Stops listening, aborts every session and stops the event loops. */
    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        for (NetbiosSession session : context.sessions().all()) {
            if (session instanceof ChannelSession channelSession) {
                channelSession.abort(SessionCloseReason.SHUTDOWN);
            } else {
                session.abort();
            }
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        log.debug("NetBIOS session service on {} stopped", listener.localAddress());
    }
}
