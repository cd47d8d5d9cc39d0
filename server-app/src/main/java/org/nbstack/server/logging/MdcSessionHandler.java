package org.nbstack.server.logging;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.nbstack.netbios.session.HostPort;
import org.nbstack.netbios.session.NetbiosSession;
import org.nbstack.netbios.session.SessionHandler;
import org.reactivestreams.Publisher;
import org.slf4j.MDC;

/**
 * Wraps a configured handler: names the session in the MDC when it starts (the connection's
 * {@link MdcChannelHandler} keeps it for the channel's later events) and logs the session's start at INFO (the
 * session service logs its end and refusals at INFO too).
 */
public final class MdcSessionHandler implements SessionHandler {

    private final SessionHandler delegate;

    public MdcSessionHandler(SessionHandler delegate) {
        this.delegate = delegate;
    }

    @Override
    public Publisher<? extends ByteBuf> handle(NetbiosSession session) {
        MDC.put(MdcKeys.SESSION, Long.toString(session.id()));
        MDC.put(MdcKeys.REMOTE, hostPort(session.remoteAddress()));
        org.slf4j.LoggerFactory.getLogger(MdcSessionHandler.class)
                .info("session {} established: {} -> {}", session.id(), session.callingName(), session.calledName());
        return delegate.handle(session);
    }

    /** {@code 127.0.0.1:40000}, without the leading slash of {@link InetSocketAddress#toString()}. */
    static String hostPort(SocketAddress address) {
        return HostPort.of(address);
    }
}
