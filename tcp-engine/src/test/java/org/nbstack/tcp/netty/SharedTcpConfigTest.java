package org.nbstack.tcp.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nbstack.tcp.core.TcpConfig;

/**
 * Memory per connection end: connections with the same options share one {@link TcpConfig} record, the
 * children of a listener as well as a client's connections, instead of each holding its own copy.
 */
class SharedTcpConfigTest {
    private static final int CONNECTIONS = 6;

    @Test
    @Timeout(60)
    void connectionsOfOneListenerAndOfOneClientShareOneTcpConfig() throws Exception {
        try (EnginePair pair = new EnginePair("mem://shared-tcp-config", 2)) {
            List<Channel> children = new CopyOnWriteArrayList<>();
            Channel server = new ServerBootstrap().group(pair.serverGroup)
                    .channelFactory(() -> new EngineServerSocketChannel(pair.server))
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_KEEPALIVE, true)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            children.add(ch);
                        }
                    })
                    .bind(new InetSocketAddress(EnginePair.SERVER_ADDRESS, 0)).sync().channel();
            List<Channel> clients = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                clients.add(new Bootstrap().group(pair.clientGroup)
                        .channelFactory(() -> new EngineSocketChannel(pair.client))
                        .option(ChannelOption.TCP_NODELAY, true)
                        .handler(new ChannelInboundHandlerAdapter())
                        .connect(server.localAddress()).sync().channel());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (children.size() < CONNECTIONS && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(children).hasSize(CONNECTIONS);

            List<TcpConfig> childConfigs = configs(children);
            assertThat(childConfigs.get(0).noDelay()).as("the child options applied").isTrue();
            assertThat(childConfigs.get(0).keepAlive()).isTrue();
            assertThat(childConfigs).as("one record for every child of the listener")
                    .allSatisfy(c -> assertThat(c).isSameAs(childConfigs.get(0)));
            List<TcpConfig> clientConfigs = configs(clients);
            assertThat(clientConfigs.get(0).noDelay()).isTrue();
            assertThat(clientConfigs).as("one record for every client connection with the same options")
                    .allSatisfy(c -> assertThat(c).isSameAs(clientConfigs.get(0)));

            for (Channel c : clients) {
                c.close().sync();
            }
            server.close().sync();
        }
    }

    /** Each channel's connection's config, read on its loop after the option changes queued there. */
    private static List<TcpConfig> configs(List<Channel> channels) throws Exception {
        List<TcpConfig> configs = new ArrayList<>();
        for (Channel ch : channels) {
            EngineSocketChannel engineChannel = (EngineSocketChannel) ch;
            configs.add(ch.eventLoop().submit(() -> engineChannel.stackConnection().connection().config())
                    .get(10, TimeUnit.SECONDS));
        }
        return configs;
    }
}
