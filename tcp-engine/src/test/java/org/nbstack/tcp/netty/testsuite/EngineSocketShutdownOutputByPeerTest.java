package org.nbstack.tcp.netty.testsuite;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.AbstractSocketShutdownOutputByPeerTest;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketAddress;
import java.util.List;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Netty's {@link AbstractSocketShutdownOutputByPeerTest} on the engine, the peer being an engine channel. */
@ParameterizedClass(name = "[{0}]")
@MethodSource("org.nbstack.tcp.netty.testsuite.EngineSocketTestPermutation#links")
public class EngineSocketShutdownOutputByPeerTest extends AbstractSocketShutdownOutputByPeerTest<EnginePeer> {
    @Parameter
    String link;

    @Override
    protected SocketAddress newSocketAddress() {
        return EngineSocketTestPermutation.forLink(link).bindAddress(super.newSocketAddress());
    }

    @Override
    protected List<TestsuitePermutation.BootstrapFactory<ServerBootstrap>> newFactories() {
        return EngineSocketTestPermutation.forLink(link).serverSocket();
    }

    @Override
    protected void shutdownOutput(EnginePeer s) throws IOException {
        call(s::shutdownOutput);
    }

    @Override
    protected void connect(EnginePeer s, SocketAddress address) throws IOException {
        call(() -> s.connect(address));
    }

    @Override
    protected void close(EnginePeer s) throws IOException {
        call(s::close);
    }

    @Override
    protected void write(EnginePeer s, int data) throws IOException {
        call(() -> s.write(data));
    }

    @Override
    protected EnginePeer newSocket() {
        return new EnginePeer(EngineSocketTestPermutation.forLink(link));
    }

    private interface Blocking {
        void run() throws InterruptedException;
    }

    private static void call(Blocking op) throws IOException {
        try {
            op.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(e.getMessage());
        }
    }
}
