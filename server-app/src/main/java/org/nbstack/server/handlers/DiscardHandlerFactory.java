package org.nbstack.server.handlers;

import io.netty.buffer.ByteBuf;
import java.util.Map;
import org.nbstack.netbios.session.SessionHandler;
import reactor.core.publisher.Flux;

/** {@code discard}: reads and releases every message and sends nothing (RFC 863's service, over NetBIOS). */
public final class DiscardHandlerFactory implements SessionHandlerFactory {

    @Override
    public String name() {
        return "discard";
    }

    @Override
    public String description() {
        return "reads and drops every message, sends nothing";
    }

    @Override
    public SessionHandler create(Map<String, String> options) {
        Options.rejectAny(name(), options);
        return session -> session.inbound().doOnNext(ByteBuf::release).thenMany(Flux.<ByteBuf>empty());
    }
}
