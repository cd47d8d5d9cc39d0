package org.nbstack.tcp.netty.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.SocketTestPermutation;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.nbstack.spi.Transports;
import org.nbstack.tcp.netty.Engine;
import org.nbstack.tcp.netty.EngineConfig;
import org.nbstack.tcp.netty.EngineTransport;

/**
 * Netty's testsuite permutations for the {@code engine} transport, as Netty's epoll and io_uring transports
 * plug their channels into the same tests, in three variants (the {@code link} every test class is
 * parameterized with, {@link #links()}):
 * <ul>
 * <li>{@code loopback}: engine server and engine client on the default engine (127.0.0.1 on
 * {@code mem://default}), one shared group; both ends of a connection live in one shard and no segment
 * crosses a link.</li>
 * <li>{@code mem}: the server on an engine owning 10.20.0.2 (the tests bind it instead of 127.0.0.1,
 * {@link #bindAddress}), the client on another engine (10.20.0.1), each with its own group, on one in-JVM
 * switch: every segment crosses the link and is routed to the shard that owns its connection.</li>
 * <li>{@code sim}: the same over a {@code sim} link that drops, reorders and duplicates packets.</li>
 * </ul>
 * Kernel transports cannot take part: their packets go through the operating system, the engine's through
 * its link.
 */
final class EngineSocketTestPermutation extends SocketTestPermutation {
    static final EngineTransport TRANSPORT = (EngineTransport) Transports.named("engine");
    /** Shared by every test class, as Netty's own permutations share theirs; daemon threads. */
    static final EventLoopGroup ENGINE_GROUP = TRANSPORT.newEventLoopGroup(NUM_THREADS);
    static final EngineSocketTestPermutation INSTANCE =
            new EngineSocketTestPermutation("engine", TRANSPORT, ENGINE_GROUP, TRANSPORT, ENGINE_GROUP);

    /** Which variants run; {@code -Dnbstack.testsuite.links=mem} runs only one, e.g. while debugging. */
    static final String LINKS_PROPERTY = "nbstack.testsuite.links";
    /** The lossy link: 1% loss, 1% reordering, 0.5% duplicates, fixed seed. */
    static final String SIM_LINK = "sim://netty-testsuite-sim?loss=0.01&reorder=0.01&dup=0.005&seed=12";
    static final String MEM_LINK = "mem://netty-testsuite-mem";
    /** The server engine's address across a link (127/8 never crosses one: an engine answers it itself). */
    static final String SERVER_ADDRESS = "10.20.0.2";
    static final String CLIENT_ADDRESS = "10.20.0.1";
    private static final Map<String, EngineSocketTestPermutation> BY_LINK = new ConcurrentHashMap<>();

    private final String name;
    private final EngineTransport serverTransport;
    private final EventLoopGroup serverGroup;
    private final EngineTransport clientTransport;
    private final EventLoopGroup clientGroup;

    private EngineSocketTestPermutation(String name, EngineTransport serverTransport, EventLoopGroup serverGroup,
            EngineTransport clientTransport, EventLoopGroup clientGroup) {
        this.name = name;
        this.serverTransport = serverTransport;
        this.serverGroup = serverGroup;
        this.clientTransport = clientTransport;
        this.clientGroup = clientGroup;
    }

    /** The variants the test classes are parameterized with: {@code loopback}, {@code mem}, {@code sim}. */
    static Stream<String> links() {
        String chosen = System.getProperty(LINKS_PROPERTY, "loopback,mem,sim");
        return Arrays.stream(chosen.split(",")).map(String::trim).filter(s -> !s.isEmpty());
    }

    /** {@link #links()} without {@code mem}, for the slowest classes: {@code sim} crosses the link as well. */
    static Stream<String> linksWithoutMem() {
        return links().filter(l -> !l.equals("mem"));
    }

    /** The permutation of {@code link}; the engines and groups of a link are made once and shared. */
    static EngineSocketTestPermutation forLink(String link) {
        return switch (link) {
            case "loopback" -> INSTANCE;
            case "mem" -> BY_LINK.computeIfAbsent(link, l -> acrossLink(l, MEM_LINK));
            case "sim" -> BY_LINK.computeIfAbsent(link, l -> acrossLink(l, SIM_LINK));
            default -> throw new IllegalArgumentException("unknown testsuite link " + link
                    + "; -D" + LINKS_PROPERTY + " takes loopback, mem, sim");
        };
    }

    /** Whether server and client are different engines, so every segment crosses a link. */
    boolean acrossLink() {
        return this != INSTANCE;
    }

    private static EngineSocketTestPermutation acrossLink(String name, String uri) {
        EngineTransport server = new EngineTransport(Engine.create(EngineConfig.of(SERVER_ADDRESS, uri)));
        EngineTransport client = new EngineTransport(Engine.create(EngineConfig.of(CLIENT_ADDRESS, uri)));
        return new EngineSocketTestPermutation("engine over " + name, server, server.newEventLoopGroup(NUM_THREADS),
                client, client.newEventLoopGroup(NUM_THREADS));
    }

    /** Where a test's server binds: {@code testsuiteDefault} (127.0.0.1) on loopback, the server engine's address
     * across a link. */
    SocketAddress bindAddress(SocketAddress testsuiteDefault) {
        return acrossLink() ? new InetSocketAddress(SERVER_ADDRESS, 0) : testsuiteDefault;
    }

    /** Where a test binds a client channel: the client engine's address across a link. */
    SocketAddress clientBindAddress(SocketAddress testsuiteDefault) {
        return acrossLink() ? new InetSocketAddress(CLIENT_ADDRESS, 0) : testsuiteDefault;
    }

    EngineTransport serverTransport() {
        return serverTransport;
    }

    EventLoopGroup serverGroup() {
        return serverGroup;
    }

    EngineTransport clientTransport() {
        return clientTransport;
    }

    EventLoopGroup clientGroup() {
        return clientGroup;
    }

    @Override
    public List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> socket() {
        return combo(serverSocket(), clientSocket());
    }

    @Override
    public List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> socketWithFastOpen() {
        return socket();
    }

    @Override
    public List<BootstrapFactory<ServerBootstrap>> serverSocket() {
        return List.of(new BootstrapFactory<>() {
            @Override
            public ServerBootstrap newInstance() {
                return new ServerBootstrap().group(serverGroup).channelFactory(serverTransport.serverChannelFactory());
            }

            @Override
            public String toString() {
                return name + " server";
            }
        });
    }

    @Override
    public List<BootstrapFactory<Bootstrap>> clientSocket() {
        return List.of(new BootstrapFactory<>() {
            @Override
            public Bootstrap newInstance() {
                return new Bootstrap().group(clientGroup).channelFactory(clientTransport.channelFactory());
            }

            @Override
            public String toString() {
                return name + " client";
            }
        });
    }

    @Override
    public List<BootstrapFactory<Bootstrap>> clientSocketWithFastOpen() {
        return clientSocket();
    }
}
