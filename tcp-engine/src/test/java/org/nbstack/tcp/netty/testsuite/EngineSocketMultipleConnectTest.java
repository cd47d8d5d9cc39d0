package org.nbstack.tcp.netty.testsuite;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketMultipleConnectTest;
import java.net.SocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Netty's {@link SocketMultipleConnectTest} on the engine transport. */
@ParameterizedClass(name = "[{0}]")
@MethodSource("org.nbstack.tcp.netty.testsuite.EngineSocketTestPermutation#links")
public class EngineSocketMultipleConnectTest extends SocketMultipleConnectTest {
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

    @Test
    @Override
    public void testMultipleConnect(TestInfo testInfo) throws Throwable {
        assumeTrue(!EngineSocketTestPermutation.forLink(link).acrossLink(), "binds its server to NetUtil.LOCALHOST"
                + " (127.0.0.1) itself, not to newSocketAddress(); 127/8 never crosses a link (an engine answers it"
                + " itself), so the server engine across a link cannot own it");
        super.testMultipleConnect(testInfo);
    }
}
