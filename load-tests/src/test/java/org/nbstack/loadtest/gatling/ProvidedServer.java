package org.nbstack.loadtest.gatling;

import java.util.Optional;
import org.nbstack.loadtest.server.ServerUnderTest;

/**
 * The server a runner started for the simulation about to run in this JVM. When there is none, the simulation
 * starts an in-JVM server of its own (so it also runs alone, e.g. through the gatling-maven-plugin).
 */
public final class ProvidedServer {

    private static volatile ServerUnderTest server;

    private ProvidedServer() {
    }

    public static void use(ServerUnderTest value) {
        server = value;
    }

    public static void clear() {
        server = null;
    }

    static Optional<ServerUnderTest> get() {
        return Optional.ofNullable(server);
    }
}
