package org.nbstack.tcp.netty.testsuite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketChannelNotYetConnectedTest;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Netty's {@link SocketChannelNotYetConnectedTest} on the engine transport. */
@ParameterizedClass(name = "[{0}]")
@MethodSource("org.nbstack.tcp.netty.testsuite.EngineSocketTestPermutation#links")
public class EngineSocketChannelNotYetConnectedTest extends SocketChannelNotYetConnectedTest {
    @Parameter
    String link;

    @Override
    protected SocketAddress newSocketAddress() {
        return EngineSocketTestPermutation.forLink(link).clientBindAddress(super.newSocketAddress());
    }

    @Override
    protected List<TestsuitePermutation.BootstrapFactory<Bootstrap>> newFactories() {
        return EngineSocketTestPermutation.forLink(link).clientSocket();
    }

    @Test
    @Disabled("its server is a kernel NioServerSocketChannel, which the engine cannot reach; the same steps run against"
            + " an engine server in readMustBePendingUntilChannelIsActiveWithAnEngineServer")
    @Override
    public void readMustBePendingUntilChannelIsActive(TestInfo info) {
    }

    @Test
    @Timeout(30)
    public void readMustBePendingUntilChannelIsActiveWithAnEngineServer(TestInfo info) throws Throwable {
        run(info, bootstrap -> {
            Channel serverChannel = new ServerBootstrap().group(EngineSocketTestPermutation.forLink(link).serverGroup())
                    .channelFactory(EngineSocketTestPermutation.forLink(link).serverTransport().serverChannelFactory())
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            ctx.writeAndFlush(Unpooled.copyInt(42));
                        }
                    }).bind(EngineSocketTestPermutation.forLink(link).bindAddress(super.newSocketAddress()))
                    .sync().channel();
            CountDownLatch readLatch = new CountDownLatch(1);
            bootstrap.handler(new ByteToMessageDecoder() {
                @Override
                public void handlerAdded(ChannelHandlerContext ctx) {
                    assertFalse(ctx.channel().isActive());
                    ctx.read();
                }

                @Override
                protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
                    assertThat(in.readableBytes()).isLessThanOrEqualTo(Integer.BYTES);
                    if (in.readableBytes() == Integer.BYTES) {
                        assertThat(in.readInt()).isEqualTo(42);
                        readLatch.countDown();
                    }
                }
            });
            Channel client = bootstrap.connect(serverChannel.localAddress()).sync().channel();
            assertThat(readLatch.await(10, TimeUnit.SECONDS)).isTrue();
            client.close().sync();
            serverChannel.close().sync();
        });
    }
}
