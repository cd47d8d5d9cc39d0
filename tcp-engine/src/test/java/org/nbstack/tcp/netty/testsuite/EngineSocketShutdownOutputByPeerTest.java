package org.nbstack.tcp.netty.testsuite;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.AbstractSocketShutdownOutputByPeerTest;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketAddress;
import java.util.List;

/** Netty's {@link AbstractSocketShutdownOutputByPeerTest} on the engine, the peer being an engine channel. */
public class EngineSocketShutdownOutputByPeerTest extends AbstractSocketShutdownOutputByPeerTest<EnginePeer> {

    @Override
    protected List<TestsuitePermutation.BootstrapFactory<ServerBootstrap>> newFactories() {
        return EngineSocketTestPermutation.INSTANCE.serverSocket();
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
        return new EnginePeer();
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
