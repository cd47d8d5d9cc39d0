package org.nbstack.tcp.netty.testsuite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.AbstractClientSocketTest;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scenarios of Netty's {@code SocketShutdownOutputBySelfTest} on the engine. Netty's class cannot be
 * subclassed for this: its peer is a {@code java.net.ServerSocket}, which the engine cannot reach, so the
 * same steps run here against an {@link EnginePeer}. ({@code testWriteAfterShutdownOutputNoWritabilityChange}
 * is {@code @Disabled} in Netty itself and is left out.)
 */
@ParameterizedClass(name = "[{0}]")
@MethodSource("org.nbstack.tcp.netty.testsuite.EngineSocketTestPermutation#links")
public class EngineSocketShutdownOutputBySelfTest extends AbstractClientSocketTest {
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
    @Timeout(value = 30000, unit = TimeUnit.MILLISECONDS)
    public void testShutdownOutput(TestInfo testInfo) throws Throwable {
        run(testInfo, this::testShutdownOutput);
    }

    private void testShutdownOutput(Bootstrap cb) throws Throwable {
        TestHandler h = new TestHandler();
        try (EnginePeer.Server ss = new EnginePeer.Server(EngineSocketTestPermutation.forLink(link),
                newSocketAddress())) {
            SocketChannel ch = (SocketChannel) cb.handler(h).connect(ss.localAddress()).sync().channel();
            EnginePeer s = ss.accept();
            try {
                assertTrue(ch.isActive());
                assertFalse(ch.isOutputShutdown());
                ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1})).sync();
                assertEquals(1, s.read());

                assertTrue(h.ch.isOpen());
                assertTrue(h.ch.isActive());
                assertFalse(h.ch.isInputShutdown());
                assertFalse(h.ch.isOutputShutdown());

                // Half-close: the peer reads end of stream.
                ch.shutdownOutput().sync();
                assertEquals(EnginePeer.EOF, s.read());

                assertTrue(h.ch.isOpen());
                assertTrue(h.ch.isActive());
                assertFalse(h.ch.isInputShutdown());
                assertTrue(h.ch.isOutputShutdown());

                // Half-closed, the peer can still write.
                s.write(1);
                assertEquals(1, (int) h.queue.take());
            } finally {
                s.close();
                ch.close().sync();
            }
        }
    }

    @Test
    @Timeout(value = 30000, unit = TimeUnit.MILLISECONDS)
    public void testShutdownOutputAfterClosed(TestInfo testInfo) throws Throwable {
        run(testInfo, this::testShutdownOutputAfterClosed);
    }

    private void testShutdownOutputAfterClosed(Bootstrap cb) throws Throwable {
        TestHandler h = new TestHandler();
        try (EnginePeer.Server ss = new EnginePeer.Server(EngineSocketTestPermutation.forLink(link),
                newSocketAddress())) {
            SocketChannel ch = (SocketChannel) cb.handler(h).connect(ss.localAddress()).sync().channel();
            assertTrue(ch.isActive());
            EnginePeer s = ss.accept();
            try {
                ch.close().syncUninterruptibly();
                try {
                    ch.shutdownInput().syncUninterruptibly();
                    fail();
                } catch (Throwable cause) {
                    checkThrowable(cause);
                }
                try {
                    ch.shutdownOutput().syncUninterruptibly();
                    fail();
                } catch (Throwable cause) {
                    checkThrowable(cause);
                }
            } finally {
                s.close();
            }
        }
    }

    @Test
    @Timeout(value = 30000, unit = TimeUnit.MILLISECONDS)
    public void testShutdownOutputSoLingerNoAssertError(TestInfo testInfo) throws Throwable {
        run(testInfo, cb -> testShutdownSoLingerNoAssertError(cb, true));
    }

    @Test
    @Timeout(value = 30000, unit = TimeUnit.MILLISECONDS)
    public void testShutdownSoLingerNoAssertError(TestInfo testInfo) throws Throwable {
        run(testInfo, cb -> testShutdownSoLingerNoAssertError(cb, false));
    }

    private void testShutdownSoLingerNoAssertError(Bootstrap cb, boolean output) throws Throwable {
        try (EnginePeer.Server ss = new EnginePeer.Server(EngineSocketTestPermutation.forLink(link),
                newSocketAddress())) {
            ChannelFuture cf = cb.option(ChannelOption.SO_LINGER, 1).handler(new ChannelInboundHandlerAdapter())
                    .connect(ss.localAddress()).sync();
            EnginePeer s = ss.accept();
            try {
                if (output) {
                    ((SocketChannel) cf.channel()).shutdownOutput().sync();
                } else {
                    ((SocketChannel) cf.channel()).shutdown().sync();
                }
            } finally {
                s.close();
                cf.channel().close().sync();
            }
        }
    }

    private static void checkThrowable(Throwable cause) throws Throwable {
        if (!(cause instanceof ClosedChannelException) && !(cause instanceof SocketException)) {
            throw cause;
        }
    }

    private static final class TestHandler extends SimpleChannelInboundHandler<ByteBuf> {
        volatile SocketChannel ch;
        final BlockingQueue<Byte> queue = new LinkedBlockingQueue<>();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ch = (SocketChannel) ctx.channel();
        }

        @Override
        public void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
            queue.offer(msg.readByte());
        }
    }
}
