package org.nbstack.tcp.netty.testsuite;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketConnectionAttemptTest;
import java.net.SocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Netty's {@link SocketConnectionAttemptTest} on the engine transport. */
@ParameterizedClass(name = "[{0}]")
@MethodSource("org.nbstack.tcp.netty.testsuite.EngineSocketTestPermutation#links")
public class EngineSocketConnectionAttemptTest extends SocketConnectionAttemptTest {
    @Parameter
    String link;

    @Override
    protected SocketAddress newSocketAddress() {
        return EngineSocketTestPermutation.forLink(link).bindAddress(super.newSocketAddress());
    }

    @Override
    protected List<TestsuitePermutation.BootstrapFactory<Bootstrap>> newFactories() {
        return EngineSocketTestPermutation.forLink(link).clientSocket();
    }

    @Test
    @Override
    public void testConnectRefused(TestInfo testInfo) throws Throwable {
        assumeTrue(!EngineSocketTestPermutation.forLink(link).acrossLink(), "connects to port 4 of NetUtil.LOCALHOST (127.0.0.1)"
                + " itself and expects a refusal; 127/8 never crosses a link, so across one nothing answers");
        super.testConnectRefused(testInfo);
    }

    @Test
    @Override
    public void testConnectRefusedHalfClosure(TestInfo testInfo) throws Throwable {
        assumeTrue(!EngineSocketTestPermutation.forLink(link).acrossLink(), "connects to port 4 of NetUtil.LOCALHOST (127.0.0.1)"
                + " itself and expects a refusal; 127/8 never crosses a link, so across one nothing answers");
        super.testConnectRefusedHalfClosure(testInfo);
    }
}
