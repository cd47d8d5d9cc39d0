package org.nbstack.tcp.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Timeout;

/**
 * A connect to 0.0.0.0 reaches this host, as on Linux (and as Netty's testsuite expects when it connects to
 * the local address of a server bound to the wildcard): the destination becomes the channel's own bound
 * address, or, for an unbound channel, the engine's first address (Linux: the loopback address).
 */
class WildcardConnectTest {

    @ParameterizedTest(name = "server bound to {0}, client bound to {1}")
    @CsvSource({"0.0.0.0, ", "10.0.0.2, ", "0.0.0.0, 10.0.0.3", "10.0.0.3, 10.0.0.3"})
    @Timeout(30)
    void aConnectTo0000ReachesTheEnginesOwnListener(String bindAddress, String clientAddress) throws Exception {
        try (EnginePair pair = new EnginePair("mem://wildcard-connect", 2)) {
            Engine twoAddresses = Engine.create(EngineConfig.of("10.0.0.2,10.0.0.3", "mem://wildcard-connect-2"));
            try {
                Channel server = new ServerBootstrap().group(pair.serverGroup)
                        .channelFactory(() -> new EngineServerSocketChannel(twoAddresses))
                        .childHandler(new ChannelInboundHandlerAdapter())
                        .bind(new InetSocketAddress(bindAddress, 0)).sync().channel();
                int port = ((InetSocketAddress) server.localAddress()).getPort();
                Channel client = new Bootstrap().group(pair.clientGroup)
                        .channelFactory(() -> new EngineSocketChannel(twoAddresses))
                        .handler(new ChannelInboundHandlerAdapter())
                        .connect(new InetSocketAddress("0.0.0.0", port),
                                clientAddress == null ? null : new InetSocketAddress(clientAddress, 0))
                        .sync().channel();
                InetSocketAddress remote = (InetSocketAddress) client.remoteAddress();
                assertThat(remote).isEqualTo(new InetSocketAddress(clientAddress == null ? "10.0.0.2" : clientAddress,
                        port));
                client.close().sync();
                server.close().sync();
            } finally {
                twoAddresses.close();
            }
        }
    }
}
