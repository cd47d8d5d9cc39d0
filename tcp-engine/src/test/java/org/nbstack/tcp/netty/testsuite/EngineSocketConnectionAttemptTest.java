package org.nbstack.tcp.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketConnectionAttemptTest;
import java.util.List;

/** Netty's {@link SocketConnectionAttemptTest} on the engine transport. */
public class EngineSocketConnectionAttemptTest extends SocketConnectionAttemptTest {

    @Override
    protected List<TestsuitePermutation.BootstrapFactory<Bootstrap>> newFactories() {
        return EngineSocketTestPermutation.INSTANCE.clientSocket();
    }
}
