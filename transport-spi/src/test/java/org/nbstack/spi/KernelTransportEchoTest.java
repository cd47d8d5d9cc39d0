package org.nbstack.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each kernel transport that can run here carries bytes both ways on 127.0.0.1. */
class KernelTransportEchoTest {

    static Stream<String> availableKernelTransports() {
        return Stream.of("nio", "epoll").filter(name -> Transports.availability().get(name).isAvailable());
    }

    @ParameterizedTest
    @MethodSource("availableKernelTransports")
    void echoesOverLoopback(String name) throws Exception {
        Transport transport = Transports.named(name);
        EventLoopGroup group = transport.newEventLoopGroup(1);
        try {
            Channel server = new ServerBootstrap().group(group).channelFactory(transport.serverChannelFactory())
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ctx.writeAndFlush(msg); // echo; the write releases the buffer
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();

            StringBuilder received = new StringBuilder();
            CompletableFuture<String> echoed = new CompletableFuture<>();
            Channel client = new Bootstrap().group(group).channelFactory(transport.channelFactory())
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                    received.append(msg.toString(StandardCharsets.US_ASCII));
                                    if (received.length() >= ("hello over " + name).length()) {
                                        echoed.complete(received.toString());
                                    }
                                }
                            });
                        }
                    })
                    .connect(server.localAddress()).sync().channel();
            client.writeAndFlush(Unpooled.copiedBuffer("hello over " + name, StandardCharsets.US_ASCII));

            assertThat(echoed.get(10, TimeUnit.SECONDS)).isEqualTo("hello over " + name);
            assertThat(client.getClass().getSimpleName()).containsIgnoringCase(name);
            client.close().sync();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        }
    }
}
