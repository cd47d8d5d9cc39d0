package org.nbstack.netbios.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import org.nbstack.netbios.codec.SessionRequest;
import org.nbstack.netbios.name.NetbiosName;
import org.nbstack.netbios.session.ChannelSession;
import org.nbstack.netbios.session.HostPort;
import org.nbstack.netbios.session.TcpReset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A new direct TCP connection (MS-SMB2 2.1, port 445): there is no SESSION REQUEST, so the connection is taken at once
 * as a session called to the server's default name, with the client's IP address as its calling name. The same
 * decision as a SESSION REQUEST gets applies (session limits, allowed callers); a connection it refuses is reset with
 * one log line, since direct TCP has no NEGATIVE SESSION RESPONSE.
 */
final class DirectSessionHandler extends ChannelInboundHandlerAdapter {

    static final String NAME = "direct-establishment";
    private static final Logger log = LoggerFactory.getLogger(DirectSessionHandler.class);

    private final ServerContext server;

    DirectSessionHandler(ServerContext server) {
        this.server = server;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.fireChannelActive();
        long acceptedNanos = ctx.executor().ticker().nanoTime();
        NetbiosName called = server.settings().defaultName().orElseThrow();
        SessionRequest request = new SessionRequest(called, NetbiosName.of(callerName(ctx), NetbiosName.WORKSTATION_SUFFIX, called.scope()));
        switch (server.establishment().decide(request, ctx.channel().remoteAddress())) {
            case SessionEstablishment.Accept accept -> {
                ChannelSession session = EstablishmentHandler.register(server, ctx, NAME, request, accept, acceptedNanos);
                EstablishmentHandler.startHandler(session, accept);
            }
            case SessionEstablishment.Refuse refuse -> {
                log.info("{}: direct SMB connection to {} refused: {}", HostPort.of(ctx.channel().remoteAddress()), called, refuse.code());
                server.metrics().negativeResponse(refuse.code().hex());
                TcpReset.close(ctx.channel());
            }
            case SessionEstablishment.Full full -> {
                server.metrics().sessionRefused(full.limit());
                server.limitLog().warn("{}: direct SMB connection to {} refused: {} reached", HostPort.of(ctx.channel().remoteAddress()),
                        called, full.limit().replace('_', '-'));
                TcpReset.close(ctx.channel());
            }
            case SessionEstablishment.Retarget retarget -> {
                log.info("{}: direct SMB connection to {} refused: the name is retargeted to {}, which direct TCP cannot say",
                        HostPort.of(ctx.channel().remoteAddress()), called, retarget.address());
                TcpReset.close(ctx.channel());
            }
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg); // only while a refused connection closes
    }

    /** The client's IPv4 address as a calling name (at most 15 characters, as a NetBIOS name may have). */
    private static String callerName(ChannelHandlerContext ctx) {
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress inet && !inet.isUnresolved()) {
            String address = inet.getAddress().getHostAddress();
            if (address.length() <= 15) {
                return address;
            }
        }
        return "*DIRECT";
    }
}
