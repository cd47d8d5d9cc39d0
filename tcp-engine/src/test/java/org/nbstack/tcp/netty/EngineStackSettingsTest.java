package org.nbstack.tcp.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nbstack.spi.TransportOptions;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.stack.StackConfig;
import org.nbstack.tcp.stack.TcpStack;
import org.nbstack.tcp.wire.Ipv4;

/** Stack settings given in code reach every shard (MSS capped by the link), and the shards' stacks are visible. */
class EngineStackSettingsTest {
    private static final int ADDRESS = Ipv4.parse("10.44.0.1");

    @Test
    @Timeout(30)
    void everyShardRunsTheGivenSettingsWithTheMssTheLinkCarries() throws Exception {
        StackConfig stack = StackConfig.builder(ADDRESS).maxConnections(77)
                .tcp(TcpConfig.builder().mss(8960).receiveBuffer(256 * 1024).build()).build();
        EngineConfig config = EngineConfig.from(TransportOptions.empty().with(EngineConfig.ADDRESSES, "10.44.0.1")
                .with(EngineConfig.LINK, "mem://stack-settings?mtu=1500")).withStack(stack);
        EngineTransport transport = new EngineTransport(config);
        Engine engine = transport.engine();
        assertThat(Engine.shared(config)).isSameAs(engine);
        EventLoopGroup group = transport.newEventLoopGroup(2);
        try {
            Channel server = new ServerBootstrap().group(group).channelFactory(transport.serverChannelFactory())
                    .childHandler(new ChannelInboundHandlerAdapter())
                    .bind(new InetSocketAddress("10.44.0.1", 0)).sync().channel();
            Channel client = new Bootstrap().group(group).channelFactory(transport.channelFactory())
                    .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
            assertThat(engine.stacks()).isNotEmpty();
            for (TcpStack s : engine.stacks()) {
                assertThat(s.config().maxConnections()).isEqualTo(77);
                assertThat(s.config().tcp().receiveBuffer()).isEqualTo(256 * 1024);
                assertThat(s.config().tcp().mss()).as("1500-byte MTU less 40 bytes of headers").isEqualTo(1460);
            }
            assertThat(engine.defaultTcpConfig().receiveBuffer()).isEqualTo(256 * 1024);
            client.close().sync();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            engine.close();
        }
    }

    @Test
    void stackSettingsForOtherAddressesAreRejected() {
        EngineConfig config = EngineConfig.of("10.44.0.2", "mem://stack-settings");
        assertThatThrownBy(() -> config.withStack(StackConfig.of(ADDRESS)))
                .hasMessageContaining("for addresses [10.44.0.1] but the engine owns [10.44.0.2]");
    }
}
