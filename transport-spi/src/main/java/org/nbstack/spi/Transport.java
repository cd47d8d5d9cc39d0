package org.nbstack.spi;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import java.util.Optional;

/**
 * A Netty transport chosen by name ("nio", "epoll", "engine"). Everything a server or client
 * needs to bootstrap channels without knowing which transport it runs on.
 *
 * <p>Obtain one through {@link Transports#named(String)}; implement one through {@link TransportProvider}.
 */
public interface Transport {

    /** The name it is chosen by, e.g. {@code "epoll"}. */
    String name();

    /** Whether this transport can run here, and if not, why. */
    Availability availability();

    /**
     * A new event loop group of {@code threads} I/O threads whose loops can drive this transport's
     * channels. The caller owns it and must shut it down.
     *
     * @throws TransportUnavailableException if {@link #availability()} says it is not available
     */
    EventLoopGroup newEventLoopGroup(int threads);

    /** Creates listening channels, for {@code ServerBootstrap.channelFactory(...)}. */
    ChannelFactory<? extends ServerChannel> serverChannelFactory();

    /** Creates connecting (socket) channels, for {@code Bootstrap.channelFactory(...)}. */
    ChannelFactory<? extends Channel> channelFactory();

    /**
     * The channel option that bounds how long sent data may stay unacknowledged before the connection is
     * aborted (Linux TCP_USER_TIMEOUT, RFC 5482), in milliseconds, if this transport has one.
     */
    default Optional<ChannelOption<Integer>> tcpUserTimeoutOption() {
        return Optional.empty();
    }
}
