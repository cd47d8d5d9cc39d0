package org.nbstack.server.handlers;

import java.util.Map;
import org.nbstack.netbios.session.SessionHandler;

/**
 * The handler SPI: a named source of {@link SessionHandler}s. A NetBIOS name in the configuration chooses one by
 * {@link #name()} ({@code nbstack.netbios.names.<name>.handler}). Found with {@link java.util.ServiceLoader}:
 * list the implementation in {@code META-INF/services/org.nbstack.server.handlers.SessionHandlerFactory} of a jar
 * in the distribution's {@code lib/}.
 */
public interface SessionHandlerFactory {

    /** Lower case, unique: what {@code handler = ...} names. */
    String name();

    /** One line for {@code nbstack handlers} and the README. */
    String description();

    /**
     * A handler for every session called to one name.
     *
     * @param options the name's {@code handler-options}, as strings
     * @throws IllegalArgumentException naming the option that is wrong and what is allowed
     */
    SessionHandler create(Map<String, String> options);

    /**
     * A handler for every session called to one name, with the server's meters and configuration at hand. The
     * default ignores the context; a factory whose meters must reach /metrics registers them on
     * {@link HandlerContext#meters()}.
     *
     * @throws IllegalArgumentException naming the option that is wrong and what is allowed
     */
    default SessionHandler create(Map<String, String> options, HandlerContext context) {
        return create(options);
    }
}
