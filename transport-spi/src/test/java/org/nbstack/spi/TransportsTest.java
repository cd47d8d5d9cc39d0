package org.nbstack.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.epoll.Epoll;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransportsTest {

    @Test
    void nioIsFoundByNameAndIsAlwaysAvailable() {
        Transport nio = Transports.named("nio");
        assertThat(nio.name()).isEqualTo("nio");
        assertThat(nio.availability().isAvailable()).isTrue();
        assertThat(Transports.availableNames()).contains("nio");
    }

    @Test
    void namesAreMatchedIgnoringCaseAndSurroundingBlanks() {
        assertThat(Transports.named(" NIO ").name()).isEqualTo("nio");
    }

    @Test
    void epollIsRegisteredAndReportsWhyWhenItCannotRun() {
        Availability epoll = Transports.availability().get("epoll");
        assertThat(epoll).isNotNull();
        assertThat(epoll.isAvailable()).isEqualTo(Epoll.isAvailable());
        if (!epoll.isAvailable()) {
            assertThat(epoll.reason()).contains("epoll");
            assertThatThrownBy(() -> Transports.named("epoll"))
                    .isInstanceOf(TransportUnavailableException.class)
                    .hasMessageContaining("not available here").hasMessageContaining("nio");
        } else {
            assertThat(Transports.named("epoll").tcpUserTimeoutOption()).isPresent();
        }
    }

    @Test
    void anUnknownNameGivesOneErrorListingWhatIsAvailable() {
        assertThatThrownBy(() -> Transports.named("carrier-pigeon"))
                .isInstanceOf(TransportUnavailableException.class)
                .hasMessageStartingWith("Unknown transport 'carrier-pigeon'.")
                .hasMessageContaining("Available transports: ")
                .hasMessageContaining("nio")
                .satisfies(e -> assertThat(((TransportUnavailableException) e).requestedName()).isEqualTo("carrier-pigeon"));
    }

    @Test
    void optionsAreImmutableSortedAndNameMissingKeys() {
        TransportOptions options = TransportOptions.of(Map.of("link", "mem://a", "ipv4", "10.0.0.1/24"));
        assertThat(options.toString()).isEqualTo("{ipv4=10.0.0.1/24, link=mem://a}");
        assertThat(options.with("mtu", "1500").get("mtu")).contains("1500");
        assertThat(options.get("mtu")).isEmpty();
        assertThatThrownBy(() -> options.asMap().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> options.require("mtu")).hasMessageContaining("'mtu' is required");
        assertThat(Transports.named("nio", options).name()).isEqualTo("nio");
    }

    @Test
    void anUnavailableTransportIsRefusedWithItsReasonAndTheAlternatives() {
        Map<String, TransportProvider> providers = new java.util.TreeMap<>();
        providers.put("nio", new org.nbstack.spi.kernel.NioTransportProvider());
        providers.put("warp", new TransportProvider() {
            @Override
            public String name() {
                return "warp";
            }

            @Override
            public Transport create(TransportOptions options) {
                Transport nio = new org.nbstack.spi.kernel.NioTransport();
                return new Transport() {
                    @Override
                    public String name() {
                        return "warp";
                    }

                    @Override
                    public Availability availability() {
                        return Availability.unavailable("warp drive offline", new IllegalStateException("no dilithium"));
                    }

                    @Override
                    public io.netty.channel.EventLoopGroup newEventLoopGroup(int threads) {
                        throw new UnsupportedOperationException();
                    }

                    @Override
                    public io.netty.channel.ChannelFactory<? extends io.netty.channel.ServerChannel> serverChannelFactory() {
                        return nio.serverChannelFactory();
                    }

                    @Override
                    public io.netty.channel.ChannelFactory<? extends io.netty.channel.Channel> channelFactory() {
                        return nio.channelFactory();
                    }
                };
            }
        });
        assertThatThrownBy(() -> Transports.named("warp", TransportOptions.empty(), providers))
                .isInstanceOf(TransportUnavailableException.class)
                .hasMessage("Transport 'warp' is not available here: warp drive offline (IllegalStateException: "
                        + "no dilithium). Available transports: nio; unavailable: warp (warp drive offline "
                        + "(IllegalStateException: no dilithium)).");
    }

    @Test
    void aTransportRefusesANonPositiveThreadCount() {
        assertThatThrownBy(() -> Transports.named("nio").newEventLoopGroup(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(">= 1");
    }
}
