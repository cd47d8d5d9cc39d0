package org.nbstack.netbios.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.Inet4Address;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.nbstack.netbios.codec.KeepAlive;
import org.nbstack.netbios.codec.NbssPacket;
import org.nbstack.netbios.codec.NbssProtocolException;
import org.nbstack.netbios.codec.NegativeCode;
import org.nbstack.netbios.codec.NegativeResponse;
import org.nbstack.netbios.codec.PositiveResponse;
import org.nbstack.netbios.codec.RetargetResponse;
import org.nbstack.netbios.codec.SessionRequest;
import org.nbstack.netbios.session.ChannelSession;
import org.nbstack.netbios.session.HostPort;
import org.nbstack.netbios.session.SessionCloseReason;
import org.nbstack.netbios.session.SessionHandler;
import org.nbstack.netbios.session.TcpReset;
import org.nbstack.spi.log.HumanDuration;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A new connection until its SESSION REQUEST is answered (RFC 1002 §5.2.1.2). It must arrive within the
 * session request timeout, else the connection is reset; anything else first is a protocol error. Every answer
 * but POSITIVE is followed by closing the connection. On POSITIVE the channel becomes a {@link ChannelSession}
 * and the handler starts. Until it is answered the connection holds one of the server's pending-connection
 * places; a connection that finds none free is reset at once, so a flood of silent connections costs a bounded
 * number of channels and timers.
 */
final class EstablishmentHandler extends ChannelInboundHandlerAdapter {

    static final String NAME = "nbss-establishment";
    private static final Logger log = LoggerFactory.getLogger(EstablishmentHandler.class);

    private final ServerContext server;
    private long acceptedNanos;
    /** The peer as it was when accepted: a closed channel may no longer say. */
    private SocketAddress remote;
    private ScheduledFuture<?> requestTimeout;
    private boolean answered;
    private boolean holdsPendingPlace;

    EstablishmentHandler(ServerContext server) {
        this.server = server;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        acceptedNanos = ctx.executor().ticker().nanoTime(); // the loop's clock, virtual in a simulation
        remote = ctx.channel().remoteAddress();
        if (!takePendingPlace(server, ctx, remote, "SESSION REQUEST")) {
            answered = true;
            return;
        }
        holdsPendingPlace = true;
        Duration timeout = server.settings().sessionRequestTimeout();
        LogContext logContext = LogContext.capture();
        requestTimeout = ctx.executor().schedule(() -> {
            if (!answered) {
                settle();
                logContext.run(() -> log.info("{}: no SESSION REQUEST within {} (session-request-timeout), resetting",
                        HostPort.of(remote), HumanDuration.format(timeout)));
                server.metrics().requestTimedOut();
                TcpReset.close(ctx.channel());
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (answered) {
            ReferenceCountUtil.release(msg); // input after a refusal, while the connection closes
        } else if (msg instanceof SessionRequest request) {
            answer(ctx, request);
        } else if (msg instanceof KeepAlive) {
            server.metrics().keepAliveReceived();
        } else {
            ReferenceCountUtil.release(msg);
            String what = msg instanceof NbssPacket packet ? packet.type().toString() : msg.getClass().getSimpleName();
            settle();
            protocolError(ctx, new NbssProtocolException(NbssProtocolException.Reason.UNEXPECTED_PACKET,
                    "a " + what + " before the SESSION REQUEST"));
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!answered) {
            ctx.read();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (answered) {
            ctx.close();
        } else if (cause instanceof NbssProtocolException error) {
            settle();
            protocolError(ctx, error);
            refuse(ctx, NegativeCode.UNSPECIFIED_ERROR); // a malformed request gets 0x8F
        } else {
            settle();
            log.debug("{}: connection failed before its session was established: {}", HostPort.of(ctx.channel().remoteAddress()),
                    cause.toString());
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        settle();
        ctx.fireChannelInactive();
    }

    /**
     * Takes one of the server's pending-connection places (overall and for {@code remote}'s host) for a new connection
     * that waits for its {@code firstMessage}; when none is free the connection is reset, counted and logged, and false
     * is returned. A place taken is given back with {@link ServerContext#pendingConnections()} and
     * {@link ServerContext#pendingPerSource()}.
     */
    static boolean takePendingPlace(ServerContext server, ChannelHandlerContext ctx, SocketAddress remote, String firstMessage) {
        if (!server.pendingConnections().tryAcquire()) {
            server.metrics().connectionRejected("pending_full");
            server.pendingFullLog().warn("{} connections are waiting for their {} (max-pending-connections); "
                    + "resetting the new connection from {}", server.settings().maxPendingConnections(), firstMessage,
                    HostPort.of(remote));
            TcpReset.close(ctx.channel());
            return false;
        }
        if (!server.pendingPerSource().tryAcquire(remote)) {
            server.pendingConnections().release();
            server.metrics().connectionRejected("pending_per_source");
            server.limitLog().warn("{} connections from {} are waiting for their {} (max-pending-per-source); "
                    + "resetting its new connection", server.settings().maxPendingPerSource(), HostPort.host(remote), firstMessage);
            TcpReset.close(ctx.channel());
            return false;
        }
        return true;
    }

    /** The connection is answered or gone: it stops waiting, so its timer and its pending place are freed. Idempotent. */
    private void settle() {
        answered = true;
        if (requestTimeout != null) {
            requestTimeout.cancel(false);
        }
        if (holdsPendingPlace) {
            holdsPendingPlace = false;
            server.pendingConnections().release();
            server.pendingPerSource().release(remote);
        }
    }

    private void answer(ChannelHandlerContext ctx, SessionRequest request) {
        settle();
        switch (server.establishment().decide(request, remote)) {
            case SessionEstablishment.Refuse refuse -> {
                log.info("{}: {} -> {} refused: {}", HostPort.of(ctx.channel().remoteAddress()), request.callingName(),
                        request.calledName(), refuse.code());
                refuse(ctx, refuse.code());
            }
            case SessionEstablishment.Full full -> {
                server.metrics().sessionRefused(full.limit());
                server.limitLog().warn("{}: {} -> {} refused with 0x83 (insufficient resources): {} reached", HostPort.of(remote),
                        request.callingName(), request.calledName(), full.limit().replace('_', '-'));
                refuse(ctx, full.code());
            }
            case SessionEstablishment.Retarget retarget -> {
                server.metrics().retarget();
                ctx.writeAndFlush(new RetargetResponse((Inet4Address) retarget.address().getAddress(), retarget.address().getPort()))
                        .addListener(ChannelFutureListener.CLOSE);
            }
            case SessionEstablishment.Accept accept -> {
                // Only now, with the session registered, may the caller hear POSITIVE: a status query it prompts must
                // find the session. From the pipeline's tail, before anything the handler sends.
                ChannelSession session = register(server, ctx, NAME, request, accept, acceptedNanos);
                ctx.channel().writeAndFlush(PositiveResponse.INSTANCE);
                startHandler(session, accept);
            }
        }
    }

    /** Turns the channel into an established session, replacing the handler named {@code handlerName}; event loop only. */
    static ChannelSession register(ServerContext server, ChannelHandlerContext ctx, String handlerName, SessionRequest request,
            SessionEstablishment.Accept accept, long acceptedNanos) {
        return ChannelSession.establish(server.nextSessionId(), ChannelSession.Side.SERVER, ctx.channel(), handlerName, accept.calledName(),
                request.callingName(), server.sessionSettings(), server.metrics(), server.sessions(),
                Duration.ofNanos(ctx.executor().ticker().nanoTime() - acceptedNanos), () -> server.establishment().release(accept));
    }

    /** Starts the listener's handler on an established session and sends what it publishes. */
    static void startHandler(ChannelSession session, SessionEstablishment.Accept accept) {
        SessionHandler handler = accept.listener().handler().orElseThrow();
        Publisher<? extends ByteBuf> outbound;
        try {
            outbound = handler.handle(session);
        } catch (RuntimeException e) {
            log.warn("{}: the handler of {} failed to start, aborting the session", session, accept.listener(), e);
            session.abort(SessionCloseReason.LOCAL_ABORT);
            return;
        }
        if (outbound == null) {
            log.warn("{}: the handler of {} returned no publisher, aborting the session", session, accept.listener());
            session.abort(SessionCloseReason.LOCAL_ABORT);
            return;
        }
        session.send(outbound).subscribe(null, error -> {
            log.warn("{}: the handler's outbound publisher failed, aborting the session", session, error);
            session.abort(SessionCloseReason.LOCAL_ABORT);
        }, session::close);
    }

    private void refuse(ChannelHandlerContext ctx, NegativeCode code) {
        server.metrics().negativeResponse(code.hex());
        ctx.writeAndFlush(new NegativeResponse(code)).addListener(ChannelFutureListener.CLOSE);
    }

    private void protocolError(ChannelHandlerContext ctx, NbssProtocolException error) {
        log.info("{}: protocol error before session establishment: {}", HostPort.of(ctx.channel().remoteAddress()), error.getMessage());
        server.metrics().protocolError(error.reason().name().toLowerCase(Locale.ROOT));
    }
}
