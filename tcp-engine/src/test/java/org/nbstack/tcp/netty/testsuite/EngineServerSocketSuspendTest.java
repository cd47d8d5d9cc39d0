package org.nbstack.tcp.netty.testsuite;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.ServerSocketSuspendTest;
import java.util.List;

/** Netty's {@link ServerSocketSuspendTest} on the engine transport. */
public class EngineServerSocketSuspendTest extends ServerSocketSuspendTest {

    @Override
    protected List<TestsuitePermutation.BootstrapFactory<ServerBootstrap>> newFactories() {
        return EngineSocketTestPermutation.INSTANCE.serverSocket();
    }
}
