package org.nbstack.tcp.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketCancelWriteTest;
import java.util.List;

/** Netty's {@link SocketCancelWriteTest} on the engine transport. */
public class EngineSocketCancelWriteTest extends SocketCancelWriteTest {

    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return EngineSocketTestPermutation.INSTANCE.socket();
    }
}
