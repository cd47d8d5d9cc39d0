package org.nbstack.tcp.netty.testsuite;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SingleThreadEventLoop;
import io.netty.testsuite.transport.AbstractSingleThreadEventLoopTest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.netty.EngineEventLoopGroup;
import org.nbstack.tcp.netty.EngineServerSocketChannel;
import org.nbstack.tcp.netty.EngineSocketChannel;
import org.nbstack.tcp.netty.EngineTransport;

/**
 * Netty's event loop tests on the engine transport's loops (as {@code NioEventLoopTest} runs them on NIO's):
 * registered engine channels are counted and iterated, shutdown and auto-scaling behave as Netty's loops do.
 */
public class EngineEventLoopTest extends AbstractSingleThreadEventLoopTest {

    /** Netty's testChannelsRegistered checks counts only when the loop reports one (not -1): require it. */
    @Test
    void engineLoopsCountTheirRegisteredEngineChannels() throws Exception {
        EventLoopGroup group = newEventLoopGroup();
        try {
            SingleThreadEventLoop loop = (SingleThreadEventLoop) group.next();
            Channel server = new EngineServerSocketChannel();
            Channel client = newChannel();
            loop.register(server).sync();
            loop.register(client).sync();
            assertThat(loop.submit(loop::registeredChannels).get(5, TimeUnit.SECONDS)).isEqualTo(2);
            client.close().sync();
            server.close().sync();
            // The close promise completes before the loop runs the deregistration it queues (Netty's
            // AbstractChannel.close invokes deregister later), so wait for the count rather than read it once.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            int registered;
            do {
                registered = loop.submit(loop::registeredChannels).get(5, TimeUnit.SECONDS);
            } while (registered != 0 && System.nanoTime() < deadline);
            assertThat(registered).as("channels still registered 5 s after both closed").isZero();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Override
    protected boolean supportsChannelIteration() {
        return true;
    }

    @Override
    protected EventLoopGroup newEventLoopGroup() {
        return EngineSocketTestPermutation.TRANSPORT.newEventLoopGroup(1);
    }

    @Override
    protected EventLoopGroup newAutoScalingEventLoopGroup() {
        return new EngineEventLoopGroup(SCALING_MAX_THREADS, null, AUTO_SCALING_CHOOSER_FACTORY,
                EngineTransport.ioHandlerFactory());
    }

    @Override
    protected Channel newChannel() {
        return new EngineSocketChannel();
    }

    @Override
    protected Class<? extends ServerChannel> serverChannelClass() {
        return EngineServerSocketChannel.class;
    }
}
