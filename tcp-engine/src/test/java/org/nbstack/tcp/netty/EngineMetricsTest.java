package org.nbstack.tcp.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The engine's meters count what its link and TCP did. */
class EngineMetricsTest {

    @Test
    @Timeout(30)
    void metersFollowTrafficOverTheLink() throws Exception {
        try (EnginePair pair = new EnginePair("mem://metrics", 1)) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            new EngineMetrics(pair.client).bindTo(registry);
            Channel server = new ServerBootstrap().group(pair.serverGroup)
                    .channelFactory(() -> new EngineServerSocketChannel(pair.server))
                    .childHandler(new SimLinkEchoTest.EchoHandler())
                    .bind(new InetSocketAddress(EnginePair.SERVER_ADDRESS, 5000)).sync().channel();
            CompletableFuture<Void> echoed = new CompletableFuture<>();
            Channel client = new Bootstrap().group(pair.clientGroup)
                    .channelFactory(() -> new EngineSocketChannel(pair.client))
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            io.netty.util.ReferenceCountUtil.release(msg);
                            echoed.complete(null);
                        }
                    }).connect(server.localAddress()).sync().channel();
            client.writeAndFlush(Unpooled.wrappedBuffer(new byte[100]));
            echoed.get(10, TimeUnit.SECONDS);
            assertThat(registry.get("nbstack.engine.link.packets").tag("direction", "out").functionCounter().count())
                    .isGreaterThanOrEqualTo(2); // SYN, ACK, data
            assertThat(registry.get("nbstack.engine.link.bytes").tag("direction", "in").functionCounter().count())
                    .isGreaterThan(100);
            assertThat(registry.get("tcp.segments").tag("direction", "out").functionCounter()
                    .count()).isGreaterThanOrEqualTo(2);
            assertThat(registry.get("nbstack.engine.shards").gauge().value()).isEqualTo(1);
            client.close().sync();
            server.close().sync();
        }
    }
}
