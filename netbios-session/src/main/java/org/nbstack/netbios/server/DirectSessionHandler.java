package org.nbstack.netbios.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.nbstack.netbios.codec.NbssProtocolException;
import org.nbstack.netbios.codec.SessionRequest;
import org.nbstack.netbios.name.NetbiosName;
import org.nbstack.netbios.session.ChannelSession;
import org.nbstack.netbios.session.HostPort;
import org.nbstack.spi.log.HumanDuration;
import org.nbstack.netbios.session.TcpReset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A new direct TCP connection (MS-SMB2 2.1, port 445) until its first message: there is no SESSION REQUEST, so the
 * first message stands in for it. Until then the connection holds one of the server's pending-connection places, as a
 * NetBIOS connection does until its SESSION REQUEST, and a connection that sends no complete message within the
 * session request timeout is reset (counted in {@code netbios.requests.timedout}), so silent clients cost a bounded
 * number of channels and no session. The first message is then taken as a session called to the server's default
 * name, with the client's IP address as its calling name, under the same decision a SESSION REQUEST gets (session
 * limits, allowed callers), and handed to the session; a connection it refuses is reset with one log line, since
 * direct TCP has no NEGATIVE SESSION RESPONSE.
 */
final class DirectSessionHandler extends ChannelInboundHandlerAdapter {

    static final String NAME = "direct-establishment";
    private static final Logger log = LoggerFactory.getLogger(DirectSessionHandler.class);

    private final ServerContext server;
    private long acceptedNanos;
    /** The peer as it was when accepted: a closed channel may no longer say. */
    private SocketAddress remote;
    private ScheduledFuture<?> firstMessageTimeout;
    private boolean decided;
    private boolean holdsPendingPlace;

    DirectSessionHandler(ServerContext server) {
        this.server = server;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        acceptedNanos = ctx.executor().ticker().nanoTime(); // the loop's clock, virtual in a simulation
        remote = ctx.channel().remoteAddress();
        ctx.fireChannelActive();
        if (!EstablishmentHandler.takePendingPlace(server, ctx, remote, "first SMB message")) {
            decided = true;
            return;
        }
        holdsPendingPlace = true;
        Duration timeout = server.settings().sessionRequestTimeout();
        LogContext logContext = LogContext.capture();
        firstMessageTimeout = ctx.executor().schedule(() -> {
            if (!decided) {
                settle();
                logContext.run(() -> log.info("{}: direct SMB connection sent no message within {} (session-request-timeout), resetting",
                        HostPort.of(remote), HumanDuration.format(timeout)));
                server.metrics().requestTimedOut();
                TcpReset.close(ctx.channel());
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (decided) {
            ReferenceCountUtil.release(msg); // input after a refusal, while the connection closes
            return;
        }
        settle();
        NetbiosName called = server.settings().defaultName().orElseThrow();
        SessionRequest request = new SessionRequest(called,
                NetbiosName.of(callerName(remote), NetbiosName.WORKSTATION_SUFFIX, called.scope()));
        switch (server.establishment().decide(request, remote)) {
            case SessionEstablishment.Accept accept -> {
                ChannelSession session = EstablishmentHandler.register(server, ctx, NAME, request, accept, acceptedNanos);
                EstablishmentHandler.startHandler(session, accept);
                ctx.fireChannelRead(msg); // this context now leads to the session's handler, which takes the message
                return;
            }
            case SessionEstablishment.Refuse refuse -> {
                log.info("{}: direct SMB connection to {} refused: {}", HostPort.of(remote), called, refuse.code());
                server.metrics().negativeResponse(refuse.code().hex());
            }
            case SessionEstablishment.Full full -> {
                server.metrics().sessionRefused(full.limit());
                server.limitLog().warn("{}: direct SMB connection to {} refused: {} reached", HostPort.of(remote), called,
                        full.limit().replace('_', '-'));
            }
            case SessionEstablishment.Retarget retarget -> log.info("{}: direct SMB connection to {} refused: the name is retargeted "
                    + "to {}, which direct TCP cannot say", HostPort.of(remote), called, retarget.address());
        }
        ReferenceCountUtil.release(msg);
        TcpReset.close(ctx.channel());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!decided) {
            ctx.read(); // a first frame not yet complete
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        boolean before = !decided;
        settle();
        if (before && cause instanceof NbssProtocolException error) {
            log.info("{}: protocol error before the first SMB message: {}", HostPort.of(remote), error.getMessage());
            server.metrics().protocolError(error.reason().name().toLowerCase(Locale.ROOT));
        } else {
            log.debug("{}: direct SMB connection failed before its session was established: {}", HostPort.of(remote), cause.toString());
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        settle();
        ctx.fireChannelInactive();
    }

    /** The connection has its first message or is gone: its timer and its pending place are freed. Idempotent. */
    private void settle() {
        decided = true;
        if (firstMessageTimeout != null) {
            firstMessageTimeout.cancel(false);
        }
        if (holdsPendingPlace) {
            holdsPendingPlace = false;
            server.pendingConnections().release();
            server.pendingPerSource().release(remote);
        }
    }

    /** The client's IPv4 address as a calling name (at most 15 characters, as a NetBIOS name may have). */
    private static String callerName(SocketAddress remote) {
        if (remote instanceof InetSocketAddress inet && !inet.isUnresolved()) {
            String address = inet.getAddress().getHostAddress();
            if (address.length() <= 15) {
                return address;
            }
        }
        return "*DIRECT";
    }
}
