package org.nbstack.server.handlers;

import java.util.Map;
import org.nbstack.netbios.session.SessionHandler;

/** {@code echo}: every SESSION MESSAGE goes back as it came, with the session's own backpressure. */
public final class EchoHandlerFactory implements SessionHandlerFactory {

    @Override
    public String name() {
        return "echo";
    }

    @Override
    public String description() {
        return "sends every message back unchanged";
    }

    @Override
    public SessionHandler create(Map<String, String> options) {
        Options.rejectAny(name(), options);
        return session -> session.inbound(); // each buffer passes to the outbound side, which releases it once written
    }
}
