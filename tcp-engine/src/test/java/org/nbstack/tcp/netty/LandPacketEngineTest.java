package org.nbstack.tcp.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nbstack.spi.link.LinkContext;
import org.nbstack.spi.link.PacketLink;
import org.nbstack.spi.link.PacketLinks;
import org.nbstack.tcp.stack.TcpStack;
import org.nbstack.tcp.wire.DropReason;
import org.nbstack.tcp.wire.Ipv4;
import org.nbstack.tcp.wire.PacketCodec;
import org.nbstack.tcp.wire.TcpFlags;
import org.nbstack.tcp.wire.TcpOptions;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * Issue 12 defect 10 in a running engine: one spoofed LAND packet (a SYN from the server's own address and port to
 * itself, with a timestamp) arrives on the link while a client is connected. The shard must drop and count it,
 * keep serving the connected client, and the engine must still shut down.
 */
class LandPacketEngineTest {
    private static final int PORT = 4139;

    @Test
    @Timeout(60)
    void aLandPacketIsDroppedAndTheShardKeepsServing() throws Exception {
        String link = "mem://land-" + ProcessHandle.current().pid();
        try (EnginePair pair = new EnginePair(link, 1);
                PacketLink attacker = PacketLinks.open(URI.create(link), new LinkContext(
                        List.of((Inet4Address) InetAddress.getByName("10.0.0.66")), ByteBuf::release,
                        UnpooledByteBufAllocator.DEFAULT, pair.clientGroup))) {
            Channel server = new ServerBootstrap().group(pair.serverGroup)
                    .channelFactory(() -> new EngineServerSocketChannel(pair.server))
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                    ctx.writeAndFlush(msg.retain());
                                }
                            });
                        }
                    }).bind(new InetSocketAddress(EnginePair.SERVER_ADDRESS, PORT)).sync().channel();
            Echo echo = new Echo();
            Channel client = new Bootstrap().group(pair.clientGroup)
                    .channelFactory(() -> new EngineSocketChannel(pair.client)).handler(echo)
                    .connect(server.localAddress()).sync().channel();
            assertThat(echo.roundTrip(client, "before")).isEqualTo("before");

            int self = Ipv4.parse(EnginePair.SERVER_ADDRESS);
            TcpSegment land = new TcpSegment(self, self, PORT, PORT, 0x12345678, 0, TcpFlags.SYN, 65535,
                    new TcpOptions(1460, 7, true, true, 100, 0, new int[0]), null);
            attacker.send(PacketCodec.encode(land, UnpooledByteBufAllocator.DEFAULT));

            for (int i = 0; i < 20; i++) {
                assertThat(echo.roundTrip(client, "after " + i)).as("the shard still serves its client")
                        .isEqualTo("after " + i);
            }
            assertThat(pair.server.stacks().stream().mapToLong(s -> s.drops().get(DropReason.OWN_SOURCE_ADDRESS)).sum())
                    .isEqualTo(1);
            assertThat(pair.server.stacks().stream().mapToInt(TcpStack::connectionCount).sum())
                    .as("only the client's connection, no LAND connection").isEqualTo(1);
            client.close().sync();
            server.close().sync();
            assertThat(pair.serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS))
                    .as("the server's loop shuts down").isTrue();
        }
    }

    /** Sends a line and waits for its echo. */
    static final class Echo extends SimpleChannelInboundHandler<ByteBuf> {
        private volatile CompletableFuture<String> reply;
        private final StringBuilder buffer = new StringBuilder();

        String roundTrip(Channel ch, String text) throws Exception {
            reply = new CompletableFuture<>();
            ch.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
            return reply.get(5, TimeUnit.SECONDS);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
            buffer.append(msg.toString(StandardCharsets.US_ASCII));
            CompletableFuture<String> r = reply;
            if (r != null && !r.isDone()) {
                r.complete(buffer.toString());
                buffer.setLength(0);
            }
        }
    }
}
