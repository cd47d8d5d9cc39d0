package org.nbstack.tcp.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.TrafficShapingHandlerTest;
import java.net.SocketAddress;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Netty's {@link TrafficShapingHandlerTest} on the engine transport. Its timing assertions are excused only under
 * measured CPU starvation ({@link TrafficShapingStarvationExcuse}).
 */
@ExtendWith(TrafficShapingStarvationExcuse.class)
@ParameterizedClass(name = "[{0}]")
@MethodSource("org.nbstack.tcp.netty.testsuite.EngineSocketTestPermutation#links")
public class EngineTrafficShapingHandlerTest extends TrafficShapingHandlerTest {
    @Parameter
    String link;

    @Override
    protected SocketAddress newSocketAddress() {
        return EngineSocketTestPermutation.forLink(link).bindAddress(super.newSocketAddress());
    }

    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return EngineSocketTestPermutation.forLink(link).socket();
    }
}
