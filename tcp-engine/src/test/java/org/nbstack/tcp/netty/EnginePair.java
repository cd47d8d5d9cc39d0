package org.nbstack.tcp.netty;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Two engines on one in-JVM switch with their own addresses and event loops: 10.0.0.1 (client side) and
 * 10.0.0.2 (server side). Nothing leaves the JVM: these addresses exist only on the named switch.
 */
final class EnginePair implements AutoCloseable {
    static final String CLIENT_ADDRESS = "10.0.0.1";
    static final String SERVER_ADDRESS = "10.0.0.2";

    final Engine client;
    final Engine server;
    final EventLoopGroup clientGroup;
    final EventLoopGroup serverGroup;

    /** {@code linkUri} is e.g. {@code sim://net1?loss=0.02}; both engines open it, so both directions get its faults. */
    EnginePair(String linkUri, int threadsEach) {
        client = Engine.create(EngineConfig.of(CLIENT_ADDRESS, linkUri));
        server = Engine.create(EngineConfig.of(SERVER_ADDRESS, linkUri));
        clientGroup = new MultiThreadIoEventLoopGroup(threadsEach, new DefaultThreadFactory("client", true),
                NioIoHandler.newFactory());
        serverGroup = new MultiThreadIoEventLoopGroup(threadsEach, new DefaultThreadFactory("server", true),
                NioIoHandler.newFactory());
    }

    @Override
    public void close() {
        clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        client.close();
        server.close();
    }
}
