package org.nbstack.server.app;

import java.io.PrintStream;
import java.util.Optional;
import java.util.function.Function;
import org.nbstack.server.engine.EngineIntrospection;
import org.nbstack.server.engine.EngineTransportIntrospection;
import org.nbstack.spi.Transport;

/**
 * How {@link NbstackServer} reports and what it asks the engine.
 *
 * @param out     where the one-line-per-listener start-up report goes (the CLI's standard output)
 * @param engines finds the engine behind a transport; {@link EngineTransportIntrospection#of} unless a test says otherwise
 */
public record ServerOptions(PrintStream out, Function<Transport, Optional<EngineIntrospection>> engines) {

    public static ServerOptions to(PrintStream out) {
        return new ServerOptions(out, EngineTransportIntrospection::of);
    }

    public ServerOptions withEngines(Function<Transport, Optional<EngineIntrospection>> finder) {
        return new ServerOptions(out, finder);
    }
}
