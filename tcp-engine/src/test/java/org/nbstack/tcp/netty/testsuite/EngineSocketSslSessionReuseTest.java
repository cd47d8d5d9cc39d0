package org.nbstack.tcp.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketSslSessionReuseTest;
import io.netty.handler.ssl.SslContextBuilder;
import java.util.List;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Netty's {@link SocketSslSessionReuseTest} on the engine transport. */
public class EngineSocketSslSessionReuseTest extends SocketSslSessionReuseTest {

    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return EngineSocketTestPermutation.INSTANCE.socket();
    }

    @ParameterizedTest
    @MethodSource("jdkAndOpenSSL")
    @Disabled("its OpenSSL variant needs netty-tcnative, which is not on the test classpath (NoClassDefFoundError"
            + " before any channel is made); the JDK provider's session reuse runs in testSslSessionReuse")
    @Override
    public void testSslSessionTrustManagerResumption(SslContextBuilder serverCtx, SslContextBuilder clientCtx,
            TestInfo testInfo) {
    }
}
