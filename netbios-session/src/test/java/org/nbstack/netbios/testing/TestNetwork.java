package org.nbstack.netbios.testing;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
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

/**
 * Where a test's server listens and how its raw clients reach it. On a kernel transport (nio, epoll) the server
 * listens on 127.0.0.1 and clients are kernel sockets. On {@code engine} the server's engine (10.139.0.1) and the
 * clients' engine (10.139.0.2) share a link of their own, so the clients' TCP is the engine's too: faults set on a
 * {@code sim} link hit both directions. Only the transport's name is used here: the engine comes from its
 * TransportProvider, never from its classes.
 */
public final class TestNetwork implements AutoCloseable {

    private static final String SERVER_ADDRESS = "10.139.0.1";
    private static final String CLIENT_ADDRESS = "10.139.0.2";
    /** Engines with equal options are shared, so each network gets a switch name of its own. */
    private static final AtomicInteger SWITCHES = new AtomicInteger();

    private final String transport;
    private final TransportOptions serverOptions;
    private final String bindAddress;
    private final Transport clientTransport;
    private final EventLoopGroup clientGroup;

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
        Transport clients = Transports.named("engine", TransportOptions.of(Map.of("addresses", CLIENT_ADDRESS, "link", uri)));
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

    /** Stops the clients' event loops; close the clients first (engine channels are not closed by their loop). */
    @Override
    public void close() {
        if (clientGroup != null) {
            clientGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Override
    public String toString() {
        return clientTransport == null ? transport : transport + " over " + serverOptions.getOrDefault("link", "?");
    }
}
