package org.nbstack.netbios.testing;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.nbstack.netbios.server.ListenerRegistry;
import org.nbstack.netbios.server.NetbiosServer;
import org.nbstack.netbios.server.NetbiosServerSettings;
import org.nbstack.spi.Transport;
import org.nbstack.spi.TransportOptions;
import org.nbstack.spi.Transports;
import org.nbstack.tcp.link.SimBlackholes;

/**
 * Where a test's server listens and how its raw clients reach it. On a kernel transport (nio, epoll) the server
 * listens on 127.0.0.1 and clients are kernel sockets. On {@code engine} the server's engine (10.139.0.1) and the
 * clients' engine (10.139.0.2) share a link of their own, so the clients' TCP is the engine's too: faults set on a
 * {@code sim} link hit both directions. The clients' engine also owns {@value #VANISHING_HOSTS} spare addresses
 * (10.139.0.3 on), each a {@link VanishingHost} whose packets a {@code sim} link drops from one moment on. The
 * server gets its engine by transport name only; the clients' side of this fixture alone uses the engine's
 * {@link SimBlackholes} (test scope) to make a host vanish.
 */
public final class TestNetwork implements AutoCloseable {

    private static final String SERVER_ADDRESS = "10.139.0.1";
    private static final String CLIENT_ADDRESS = "10.139.0.2";
    /** Spare client addresses, each for one set of clients that vanish together. */
    private static final int VANISHING_HOSTS = 10;
    /** Engines with equal options are shared, so each network gets a switch name of its own. */
    private static final AtomicInteger SWITCHES = new AtomicInteger();

    private final String transport;
    private final TransportOptions serverOptions;
    private final String bindAddress;
    private final Transport clientTransport;
    private final EventLoopGroup clientGroup;
    private final AtomicInteger vanishingHosts = new AtomicInteger();
    /** The event loop of half-open floods on the engine, made on the first; null until then. */
    private EventLoopGroup floodGroup;

    private TestNetwork(String transport, TransportOptions serverOptions, String bindAddress, Transport clientTransport,
            EventLoopGroup clientGroup) {
        this.transport = transport;
        this.serverOptions = serverOptions;
        this.bindAddress = bindAddress;
        this.clientTransport = clientTransport;
        this.clientGroup = clientGroup;
    }

    /** Server and kernel-socket clients on 127.0.0.1. */
    public static TestNetwork kernel(String transport) {
        return new TestNetwork(transport, TransportOptions.empty(), "127.0.0.1", null, null);
    }

    /**
     * A server engine and a client engine on a fresh link.
     *
     * @param link a PacketLink URI without its switch name and with an optional query, e.g. {@code mem://} or
     *             {@code sim://?delay=1ms&seed=7}
     * @param clientThreads event loops of the clients' engine
     */
    public static TestNetwork engine(String link, int clientThreads) {
        int schemeEnd = link.indexOf("://") + 3;
        String uri = link.substring(0, schemeEnd) + "nbss-test-" + SWITCHES.incrementAndGet() + link.substring(schemeEnd);
        StringBuilder addresses = new StringBuilder(CLIENT_ADDRESS);
        for (int i = 0; i < VANISHING_HOSTS; i++) {
            addresses.append(",10.139.0.").append(3 + i);
        }
        Transport clients = Transports.named("engine", TransportOptions.of(Map.of("addresses", addresses.toString(), "link", uri)));
        TransportOptions server = TransportOptions.of(Map.of("addresses", SERVER_ADDRESS, "link", uri));
        return new TestNetwork("engine", server, SERVER_ADDRESS, clients, clients.newEventLoopGroup(clientThreads));
    }

    /** {@code kernel(name)} for nio and epoll, {@code engine(engineLink, 2)} for engine. */
    public static TestNetwork of(String transport, String engineLink) {
        return "engine".equals(transport) ? engine(engineLink, 2) : kernel(transport);
    }

    /** A server on this network's server address with an ephemeral port and two event loops. */
    public NetbiosServer start(ListenerRegistry listeners, MeterRegistry meters, UnaryOperator<NetbiosServerSettings.Builder> settings) {
        NetbiosServerSettings.Builder builder = NetbiosServerSettings.builder().transport(transport).transportOptions(serverOptions)
                .bindAddress(bindAddress, 0).eventLoopThreads(2);
        return NetbiosServer.start(settings.apply(builder).build(), listeners, meters);
    }

    /** A client that keeps whatever arrives readable, as a kernel socket does, also what came just before a reset. */
    public RawNbssClient connect(InetSocketAddress server) throws IOException {
        return clientTransport == null
                ? RawNbssClient.connect(server)
                : RawNbssClient.over(ChannelConnection.connect(clientTransport, clientGroup, server, 0, true));
    }

    /**
     * A client with a small receive window that takes data only while it reads, so that one which stops reading
     * (or freezes) closes its TCP window.
     *
     * @param receiveBuffer SO_RCVBUF before connecting
     */
    public RawNbssClient connectWithWindow(InetSocketAddress server, int receiveBuffer) throws IOException {
        return clientTransport == null
                ? RawNbssClient.connect(server, receiveBuffer)
                : RawNbssClient.over(ChannelConnection.connect(clientTransport, clientGroup, server, receiveBuffer, false));
    }

    /**
     * A flood of connections that never complete their SESSION REQUEST: kernel sockets to the server's port on
     * 127.0.0.1 (one thread of the flood's own), or channels of the clients' engine on an event loop of the flood's
     * own, so that the flood's client side does not run on the loops of the other clients, whose latency tests measure
     * (as kernel sockets' TCP does not run on their threads either).
     */
    public HalfOpenFlood openHalfOpen(InetSocketAddress server, int count, Duration openingTime) throws IOException {
        if (clientTransport == null) {
            return HalfOpenConnections.open(new InetSocketAddress("127.0.0.1", server.getPort()), count, openingTime);
        }
        synchronized (this) {
            if (floodGroup == null) {
                floodGroup = clientTransport.newEventLoopGroup(1);
            }
        }
        return HalfOpenChannels.open(clientTransport, floodGroup, server, count, openingTime);
    }

    /** Whether clients can vanish here: on the engine over a {@code sim} link. */
    public boolean canVanish() {
        return clientTransport != null && serverOptions.getOrDefault("link", "").startsWith("sim://");
    }

    /**
     * A client host of its own whose clients vanish together when told: from then on the sim link drops every packet
     * from and to it (no ACK, no RST reaches the server), while its engine keeps their connections open.
     *
     * @throws UnsupportedOperationException unless {@link #canVanish()}: on loopback the kernel answers for any socket
     */
    public VanishingHost vanishingHost() {
        if (!canVanish()) {
            throw new UnsupportedOperationException("clients can vanish only on the engine over a sim link, not on " + this);
        }
        int n = vanishingHosts.getAndIncrement();
        if (n >= VANISHING_HOSTS) {
            throw new IllegalStateException("all " + VANISHING_HOSTS + " vanishing hosts of " + this + " are taken");
        }
        return new VanishingHost("10.139.0." + (3 + n));
    }

    /** Clients on one spare address of the clients' engine, and the moment they vanish. */
    public final class VanishingHost {
        private final String address;

        private VanishingHost(String address) {
            this.address = address;
        }

        /** As {@link TestNetwork#connectWithWindow}, from this host. */
        public RawNbssClient connectWithWindow(InetSocketAddress server, int receiveBuffer) throws IOException {
            return RawNbssClient.over(ChannelConnection.connect(clientTransport, clientGroup, new InetSocketAddress(address, 0),
                    server, receiveBuffer, false));
        }

        /** From now on the link drops every packet from and to this host, those already on their way included. */
        public void vanish() {
            SimBlackholes.blackhole(URI.create(serverOptions.getOrDefault("link", "?")), address);
        }

        @Override
        public String toString() {
            return address;
        }
    }

    /** Stops the clients' event loops; close the clients first (engine channels are not closed by their loop). */
    @Override
    public void close() {
        if (clientGroup != null) {
            clientGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        synchronized (this) {
            if (floodGroup != null) {
                floodGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }
    }

    @Override
    public String toString() {
        return clientTransport == null ? transport : transport + " over " + serverOptions.getOrDefault("link", "?");
    }
}
