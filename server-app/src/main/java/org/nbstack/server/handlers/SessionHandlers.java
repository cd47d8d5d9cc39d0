package org.nbstack.server.handlers;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.nbstack.netbios.session.SessionHandler;

/** The handler factories on the class path, by name. */
public final class SessionHandlers {

    private final Map<String, SessionHandlerFactory> factories;

    private SessionHandlers(Map<String, SessionHandlerFactory> factories) {
        this.factories = Collections.unmodifiableMap(factories);
    }

    /** Every {@link SessionHandlerFactory} that {@link ServiceLoader} finds. */
    public static SessionHandlers discover() {
        Map<String, SessionHandlerFactory> byName = new TreeMap<>();
        for (SessionHandlerFactory factory : ServiceLoader.load(SessionHandlerFactory.class, SessionHandlers.class.getClassLoader())) {
            byName.putIfAbsent(factory.name().toLowerCase(Locale.ROOT), factory);
        }
        return new SessionHandlers(byName);
    }

    public Map<String, SessionHandlerFactory> factories() {
        return factories;
    }

    /**
     * A handler made by the factory called {@code name}.
     *
     * @throws IllegalArgumentException when no factory has that name (listing those that exist) or an option is wrong
     */
    public SessionHandler create(String name, Map<String, String> options, HandlerContext context) {
        SessionHandlerFactory factory = factories.get(name.toLowerCase(Locale.ROOT));
        if (factory == null) {
            throw new IllegalArgumentException("no session handler called '" + name + "'; the handlers here are "
                    + String.join(", ", factories.keySet()));
        }
        return factory.create(options, context);
    }
}
