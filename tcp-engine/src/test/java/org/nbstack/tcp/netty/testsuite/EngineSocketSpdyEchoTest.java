package org.nbstack.tcp.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketSpdyEchoTest;
import java.util.List;

/** Netty's {@link SocketSpdyEchoTest} on the engine transport. */
public class EngineSocketSpdyEchoTest extends SocketSpdyEchoTest {

    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return EngineSocketTestPermutation.INSTANCE.socket();
    }
}
