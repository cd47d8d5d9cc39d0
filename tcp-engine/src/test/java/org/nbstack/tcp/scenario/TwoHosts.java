package org.nbstack.tcp.scenario;

import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.link.LinkFaults;
import org.nbstack.tcp.sim.SimWorld;
import org.nbstack.tcp.sim.StackNode;
import org.nbstack.tcp.stack.Listener;
import org.nbstack.tcp.stack.StackConfig;
import org.nbstack.tcp.stack.StackConnection;
import org.nbstack.tcp.stack.TcpStack;
import org.nbstack.tcp.wire.Ipv4;

/**
 * Two engine stacks, "client" (10.0.0.1) and "server" (10.0.0.2), on a simulated network. Buffers come
 * from an allocator without per-buffer leak tracking (these runs move gigabytes), and {@link #close}
 * checks instead that every byte allocated was released.
 */
final class TwoHosts implements AutoCloseable {
    static final int CLIENT_ADDR = Ipv4.parse("10.0.0.1");
    static final int SERVER_ADDR = Ipv4.parse("10.0.0.2");
    static final int PORT = 139;
    static final long MS = 1_000_000L;
    static final long SEC = 1_000_000_000L;

    final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false, true);
    final SimWorld world;
    final TcpStack client;
    final TcpStack server;
    final List<Endpoint> accepted = new ArrayList<>();
    private final List<Endpoint> all = new ArrayList<>();
    private Listener listener;
    private long endpointSeeds;

    TwoHosts(long seed, StackConfig clientConfig, StackConfig serverConfig, LinkFaults link) {
        world = SimWorld.builder(seed).defaultLink(link).build();
        client = world.addNode("client", out -> new StackNode(out, clientConfig.withSecretSeed(seed * 31 + 1), alloc,
                world::now), CLIENT_ADDR).stack();
        server = world.addNode("server", out -> new StackNode(out, serverConfig.withSecretSeed(seed * 31 + 2), alloc,
                world::now), SERVER_ADDR).stack();
        endpointSeeds = seed;
    }

    static TwoHosts of(long seed, TcpConfig tcp, LinkFaults link) {
        return new TwoHosts(seed, StackConfig.of(CLIENT_ADDR).withTcp(tcp), StackConfig.of(SERVER_ADDR).withTcp(tcp), link);
    }

    Endpoint newEndpoint(String name) {
        Endpoint e = new Endpoint(name, alloc, world::now, ++endpointSeeds * 0x9E3779B97F4A7C15L);
        all.add(e);
        return e;
    }

    /** The server listens on {@link #PORT}; each accepted connection gets an endpoint from {@code factory}. */
    void listen(Supplier<Endpoint> factory) {
        listener = server.listen(0, PORT, 1024, l -> {
            StackConnection c;
            while ((c = l.poll()) != null) {
                Endpoint e = factory.get();
                e.attach(c);
                c.setHandler(e);
                accepted.add(e);
                e.pump();
            }
        });
    }

    Endpoint connect(Endpoint e, int localPort, TcpConfig tcp) {
        StackConnection c = client.connect(CLIENT_ADDR, localPort, SERVER_ADDR, PORT, tcp, e);
        e.attach(c);
        return e;
    }

    Endpoint connect(Endpoint e) {
        return connect(e, 0, client.config().tcp());
    }

    boolean run(BooleanSupplier done, long maxNanos) {
        return world.runUntil(done, maxNanos);
    }

    /** Every connection on both stacks is gone (CLOSED and removed), TIME_WAIT included. */
    boolean noConnectionsLeft() {
        return client.connectionCount() == 0 && server.connectionCount() == 0;
    }

    String describe() {
        StringBuilder sb = new StringBuilder("client netstat:\n");
        client.netstat().forEach(r -> sb.append("  ").append(r.netstatLine()).append('\n'));
        sb.append("server netstat:\n");
        server.netstat().forEach(r -> sb.append("  ").append(r.netstatLine()).append('\n'));
        all.forEach(e -> sb.append("  ").append(e).append('\n'));
        return sb.toString();
    }

    @Override
    public void close() {
        all.forEach(Endpoint::releaseHeld);
        if (listener != null) {
            listener.close();
        }
        client.close();
        server.close();
        world.close();
        long heap = alloc.metric().usedHeapMemory();
        long direct = alloc.metric().usedDirectMemory();
        if (heap != 0 || direct != 0) {
            throw new AssertionError("leaked buffers: " + heap + " heap and " + direct + " direct bytes still allocated");
        }
    }
}
