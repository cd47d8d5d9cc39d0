package org.nbstack.tcp.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Connections from the link spread over the server engine's shards (hash of the remote address and port),
 * each accepted channel runs on the loop of the shard that took its SYN, and packets for it that arrive on
 * another loop's thread are handed over to that loop.
 */
class ShardRoutingTest {
    private static final int CONNECTIONS = 16;

    @Test
    @Timeout(30)
    void connectionsFromTheLinkSpreadOverShardsAndStayOnTheirLoop() throws Exception {
        try (EnginePair pair = new EnginePair("mem://shard-routing", 2)) {
            Set<EventLoop> childLoops = ConcurrentHashMap.newKeySet();
            Channel server = new ServerBootstrap().group(pair.serverGroup)
                    .channelFactory(() -> new EngineServerSocketChannel(pair.server))
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                    // Every event of the connection arrives on the loop the channel runs on.
                                    assertThat(ctx.channel().eventLoop().inEventLoop()).isTrue();
                                    childLoops.add(ctx.channel().eventLoop());
                                    ctx.writeAndFlush(msg.retain());
                                }
                            });
                        }
                    }).bind(new InetSocketAddress(EnginePair.SERVER_ADDRESS, 4000)).sync().channel();
            List<CompletableFuture<String>> replies = new ArrayList<>();
            List<Channel> clients = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                CompletableFuture<String> reply = new CompletableFuture<>();
                replies.add(reply);
                Channel c = new Bootstrap().group(pair.clientGroup)
                        .channelFactory(() -> new EngineSocketChannel(pair.client))
                        .handler(new SimpleChannelInboundHandler<ByteBuf>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                reply.complete(msg.toString(StandardCharsets.US_ASCII));
                            }
                        }).connect(server.localAddress()).sync().channel();
                clients.add(c);
                c.writeAndFlush(Unpooled.copiedBuffer("ping " + i, StandardCharsets.US_ASCII));
            }
            for (int i = 0; i < CONNECTIONS; i++) {
                assertThat(replies.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("ping " + i);
            }
            assertThat(childLoops).as("accepted channels on both server loops").hasSize(2);
            assertThat(pair.server.netstat()).filteredOn(r -> r.localPort() == 4000 && r.remotePort() != 0)
                    .hasSize(CONNECTIONS);
            for (Channel c : clients) {
                c.close().sync();
            }
            server.close().sync();
        }
    }
}
