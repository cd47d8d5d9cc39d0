package org.nbstack.tcp.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.SocketTestPermutation;
import java.util.List;
import org.nbstack.spi.Transports;
import org.nbstack.tcp.netty.EngineTransport;

/**
 * Netty's testsuite permutations for the {@code engine} transport: engine server with engine client over
 * the default engine (127.0.0.1 on {@code mem://default}), as Netty's epoll and io_uring transports plug
 * their channels into the same tests. Kernel transports cannot take part: their packets go through the
 * operating system, the engine's through its link.
 */
final class EngineSocketTestPermutation extends SocketTestPermutation {
    static final EngineSocketTestPermutation INSTANCE = new EngineSocketTestPermutation();
    static final EngineTransport TRANSPORT = (EngineTransport) Transports.named("engine");
    /** Shared by every test class, as Netty's own permutations share theirs; daemon threads. */
    static final EventLoopGroup ENGINE_GROUP = TRANSPORT.newEventLoopGroup(NUM_THREADS);

    @Override
    public List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> socket() {
        return combo(serverSocket(), clientSocket());
    }

    @Override
    public List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> socketWithFastOpen() {
        return socket();
    }

    @Override
    public List<BootstrapFactory<ServerBootstrap>> serverSocket() {
        return List.of(new BootstrapFactory<>() {
            @Override
            public ServerBootstrap newInstance() {
                return new ServerBootstrap().group(ENGINE_GROUP).channelFactory(TRANSPORT.serverChannelFactory());
            }

            @Override
            public String toString() {
                return "engine server";
            }
        });
    }

    @Override
    public List<BootstrapFactory<Bootstrap>> clientSocket() {
        return List.of(new BootstrapFactory<>() {
            @Override
            public Bootstrap newInstance() {
                return new Bootstrap().group(ENGINE_GROUP).channelFactory(TRANSPORT.channelFactory());
            }

            @Override
            public String toString() {
                return "engine client";
            }
        });
    }

    @Override
    public List<BootstrapFactory<Bootstrap>> clientSocketWithFastOpen() {
        return clientSocket();
    }
}
