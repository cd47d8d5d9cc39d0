package org.nbstack.server.engine;

/** A real engine stack introspected as the engine transport will be, for tests in other packages. */
public final class EngineMetersTestSupport {

    private EngineMetersTestSupport() {
    }

    public static EngineIntrospection listeningStack() {
        return EngineMetersTest.listeningStack();
    }
}
