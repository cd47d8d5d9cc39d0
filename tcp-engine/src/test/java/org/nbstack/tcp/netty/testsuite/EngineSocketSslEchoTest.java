package org.nbstack.tcp.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketSslEchoTest;
import java.net.SocketAddress;
import java.util.List;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Netty's {@link SocketSslEchoTest} on the engine transport: loopback and sim only (its 96 permutations take
 * about a minute per variant; the lossy link covers everything the mem link would, and more).
 */
@ParameterizedClass(name = "[{0}]")
@MethodSource("org.nbstack.tcp.netty.testsuite.EngineSocketTestPermutation#linksWithoutMem")
public class EngineSocketSslEchoTest extends SocketSslEchoTest {
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
