package org.nbstack.tcp.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketCloseForciblyTest;
import java.util.List;

/** Netty's {@link SocketCloseForciblyTest} on the engine transport. */
public class EngineSocketCloseForciblyTest extends SocketCloseForciblyTest {

    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return EngineSocketTestPermutation.INSTANCE.socket();
    }
}
