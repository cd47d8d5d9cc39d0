package org.nbstack.tcp.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A completed {@code bind()} means the port takes connections: a connect sent from another engine right
 * after it must never be refused (issue 12, defect 14: 22 of 500 were, because the listener reached the
 * other shards of the server engine through their task queues, behind packets already waiting there).
 */
class BindThenConnectTest {
    private static final int ROUNDS = 500;

    @Test
    @Timeout(120)
    void aConnectRightAfterBindCompletedIsNeverRefusedAcrossTheMemLink() throws Exception {
        try (EnginePair pair = new EnginePair("mem://bind-then-connect", 4)) {
            List<String> refused = new ArrayList<>();
            List<Channel> previous = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                Channel server = new ServerBootstrap().group(pair.serverGroup)
                        .channelFactory(() -> new EngineServerSocketChannel(pair.server))
                        .childHandler(new ChannelInboundHandlerAdapter())
                        .bind(new InetSocketAddress(EnginePair.SERVER_ADDRESS, 0)).sync().channel();
                ChannelFuture connect = new Bootstrap().group(pair.clientGroup)
                        .channelFactory(() -> new EngineSocketChannel(pair.client))
                        .handler(new ChannelInboundHandlerAdapter())
                        .connect(server.localAddress());
                assertThat(connect.await(10, TimeUnit.SECONDS)).as("connect of round %d finished", round).isTrue();
                if (!connect.isSuccess()) {
                    refused.add("round " + round + ": " + connect.cause());
                }
                // Closes race with the next round's bind, so the server shards keep having packets queued.
                for (Channel c : previous) {
                    c.close();
                }
                previous = List.of(connect.channel(), server);
            }
            for (Channel c : previous) {
                c.close().sync();
            }
            assertThat(refused).as("connects refused right after bind() completed").isEmpty();
        }
    }
}
