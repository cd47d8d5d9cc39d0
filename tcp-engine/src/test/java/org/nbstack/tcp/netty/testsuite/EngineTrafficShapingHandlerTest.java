package org.nbstack.tcp.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.TrafficShapingHandlerTest;
import java.util.List;

/** Netty's {@link TrafficShapingHandlerTest} on the engine transport. */
public class EngineTrafficShapingHandlerTest extends TrafficShapingHandlerTest {

    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return EngineSocketTestPermutation.INSTANCE.socket();
    }
}
