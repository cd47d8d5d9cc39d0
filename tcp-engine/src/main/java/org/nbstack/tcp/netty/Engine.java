package org.nbstack.tcp.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import java.net.BindException;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.nbstack.spi.link.LinkContext;
import org.nbstack.spi.link.PacketLink;
import org.nbstack.spi.link.PacketLinks;
import org.nbstack.spi.link.PacketReceiver;
import org.nbstack.tcp.link.TunLink;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.stack.ConnectionInfo;
import org.nbstack.tcp.stack.StackConfig;
import org.nbstack.tcp.stack.TcpStack;
import org.nbstack.tcp.wire.Ipv4;
import org.nbstack.tcp.wire.PacketCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP/IP engine: a set of IPv4 addresses on one {@link PacketLink}, with one {@link Shard} per event
 * loop that runs engine channels.
 *
 * <p>How shards share the addresses: every shard's stack owns all of the engine's addresses. An active
 * open lives in the shard of the channel's own loop, on an engine-wide unique local port. Every listener
 * is installed in every shard, so a loopback connection (127.0.0.1 to itself) has both ends in the
 * connecting channel's shard, where the stack hands segments over internally; the accepted channel is
 * registered on that shard's loop. Packets from the link are routed by destination port through the
 * {@link PortTable}: to the shard that owns an active open's port, or for a listening port by a hash of
 * the remote address and port over the shards of the server channel's event loop group
 * ({@link ListenerRoute}). Only control operations (new shard, bind, unbind) take the engine's lock; the
 * per-packet path takes none.
 */
public final class Engine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);
    private static final Map<EngineConfig, Engine> SHARED = new ConcurrentHashMap<>();
    private static final int IPV4_HEADER_BYTES = PacketCodec.IPV4_HEADER_LENGTH;

    private final EngineConfig config;
    private final boolean shared;
    private final PortTable ports;
    private final ConcurrentHashMap<EventLoop, Shard> shards = new ConcurrentHashMap<>();
    private final Map<EngineServerSocketChannel, ListenerSpec> listeners = new LinkedHashMap<>();
    /** What every shard must have installed; replaced (never changed) under the lock, read by shards without it. */
    private volatile ListenerSet listenerSet = new ListenerSet(List.of());
    private final ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;
    private final SharedTcpConfigs tcpConfigs = new SharedTcpConfigs();
    private final PacketReceiver inbound = this::receiveFromLink;
    private volatile Shard[] shardList = new Shard[0];
    private volatile PacketLink link;
    private StackConfig stackConfig;
    private boolean closed;

    record ListenerSpec(ListenerRoute route, int address, int port, int backlog) {
    }

    /** The engine's listeners at one moment; a shard compares its identity to see whether anything changed. */
    record ListenerSet(List<ListenerSpec> specs) {
        boolean has(EngineServerSocketChannel server) {
            return specs.stream().anyMatch(s -> s.route.server == server);
        }
    }

    private Engine(EngineConfig config, boolean shared) {
        this.config = config;
        this.shared = shared;
        // A stack seeded for replay also gets its ephemeral ports from that seed.
        this.ports = new PortTable(config.stack() != null ? config.stack().secretSeed() : null);
    }

    /** The engine of these settings, shared by every transport and channel that names them. */
    public static Engine shared(EngineConfig config) {
        return SHARED.computeIfAbsent(config, c -> new Engine(c, true));
    }

    /** The engine of the defaults: 127.0.0.1 on {@code mem://default}. */
    public static Engine defaultEngine() {
        return shared(EngineConfig.defaults());
    }

    /** A private engine (tests, benchmarks); close it when done. */
    public static Engine create(EngineConfig config) {
        return new Engine(config, false);
    }

    public EngineConfig config() {
        return config;
    }

    /** The link, once the first channel has registered; null before. */
    public PacketLink link() {
        return link;
    }

    ByteBufAllocator allocator() {
        return allocator;
    }

    PortTable ports() {
        return ports;
    }

    /** The engine's one instance of {@code config} (see {@link SharedTcpConfigs}). */
    TcpConfig sharedTcpConfig(TcpConfig config) {
        return tcpConfigs.share(config);
    }

    /** Distinct TCP option sets the engine's connections share. */
    public int sharedTcpConfigCount() {
        return tcpConfigs.size();
    }

    TcpConfig defaultTcpConfig() {
        synchronized (this) {
            return stackConfig != null ? stackConfig.tcp() : TcpConfig.DEFAULT;
        }
    }

    boolean ownsAddress(int address) {
        for (Inet4Address a : config.addresses()) {
            if (Ipv4.of(a) == address) {
                return true;
            }
        }
        return false;
    }

    int firstAddress() {
        return Ipv4.of(config.addresses().get(0));
    }

    /** How many shards (event loops running engine channels) the engine has. */
    public int shardCount() {
        return shardList.length;
    }

    /**
     * Every shard's stack, for metrics that read counters racily (each stack belongs to its loop's
     * thread; call nothing else on it from here). Shards come with the event loops that run channels.
     */
    public List<TcpStack> stacks() {
        return Arrays.stream(shardList).map(s -> s.stack).toList();
    }

    /**
     * Drains of the shards' inbound queues scheduled from other threads (another engine's loop, another shard's,
     * a link's reader): each wakes a loop that may be asleep. The packets one piece of engine work sends wake each
     * loop once ({@link LoopWakeups}).
     */
    public long loopWakeups() {
        long n = 0;
        for (Shard s : shardList) {
            n += s.wakeups();
        }
        return n;
    }

    /** Packets and drops of every shard's inbound queue, for metrics. */
    public long inboundDrops() {
        long n = 0;
        for (Shard s : shardList) {
            n += s.inboundDrops();
        }
        return n;
    }

    /**
     * A one-line summary of every shard's TCP counters (retransmissions, timeouts, out-of-order), for logs
     * and diagnostics; read racily from the shards' threads.
     */
    public String tcpSummary() {
        long sent = 0, retransmitted = 0, timeouts = 0, fast = 0, dupAcks = 0, ooo = 0, oooDropped = 0;
        long rackLosses = 0, probes = 0, dsacks = 0, oooPruned = 0;
        for (Shard s : shardList) {
            org.nbstack.tcp.core.TcpCounters c = s.stack.tcpCounters();
            sent += c.segmentsSent;
            retransmitted += c.retransmittedSegments;
            timeouts += c.retransmitTimeouts;
            fast += c.fastRetransmits;
            dupAcks += c.duplicateAcks;
            ooo += c.outOfOrderSegments;
            oooDropped += c.outOfOrderDropped;
            oooPruned += c.outOfOrderPruned;
            rackLosses += c.rackLosses;
            probes += c.tlpProbes;
            dsacks += c.dsacksReceived;
        }
        return "segments sent " + sent + ", retransmitted " + retransmitted + ", RTOs " + timeouts
                + ", fast retransmits " + fast + ", RACK losses " + rackLosses + ", tail loss probes " + probes
                + ", D-SACKs " + dsacks + ", dup ACKs " + dupAcks + ", out-of-order " + ooo
                + " (dropped " + oooDropped + ", queues pruned " + oooPruned + "), inbound queue drops " + inboundDrops();
    }

    /**
     * The engine's netstat: every listener and connection of every shard. Each shard is asked on its own
     * loop; this waits up to a second per shard, so call it from an admin thread, not an event loop.
     */
    public List<ConnectionInfo> netstat() {
        List<ConnectionInfo> rows = new ArrayList<>();
        for (Shard s : shardList) {
            if (s.loop.inEventLoop()) {
                rows.addAll(s.stack.netstat());
                continue;
            }
            try {
                rows.addAll(s.loop.submit(s.stack::netstat).get(1, java.util.concurrent.TimeUnit.SECONDS));
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                    | java.util.concurrent.RejectedExecutionException e) {
                log.debug("netstat: shard on {} did not answer", s.loop, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return rows;
    }

    // ------------------------------------------------------------------------------------------------
    // Shards

    /** The shard of {@code loop}, created on first use. */
    Shard shard(EventLoop loop) {
        Shard s = shards.get(loop);
        if (s != null) {
            return s;
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("engine " + config + " is closed");
            }
            s = shards.get(loop);
            if (s != null) {
                return s;
            }
            openLink(loop);
            s = new Shard(this, loop, stackConfig);
            shards.put(loop, s);
            Shard[] next = Arrays.copyOf(shardList, shardList.length + 1);
            next[shardList.length] = s;
            shardList = next;
        }
        Shard created = s;
        runOn(loop, created::syncListeners); // also done before the shard's first packet, timer or connect
        loop.terminationFuture().addListener(f -> removeShard(created));
        return s;
    }

    private void openLink(EventLoop loop) {
        if (link != null) {
            return;
        }
        PacketLink opened = PacketLinks.open(config.link(),
                new LinkContext(config.addresses(), inbound, allocator, loop.parent()));
        int mss = Math.max(88, Math.min(65495, opened.mtu() - IPV4_HEADER_BYTES - PacketCodec.TCP_HEADER_LENGTH));
        stackConfig = stackConfigFor(mss);
        if (stackConfig.checksums() == StackConfig.Checksums.ALWAYS && opened instanceof TunLink tun && tun.checksumOffload()) {
            opened.close();
            // The kernel finishes what the engine leaves partial; a full checksum in the field would be summed again.
            throw new IllegalArgumentException("engine " + config.addresses() + ": checksums = always (computed by the"
                    + " engine) cannot go with link " + config.link() + ", whose offload=true leaves them to the kernel;"
                    + " drop one of the two");
        }
        link = opened;
        log.debug("engine {} opened link {} (MTU {}, MSS {})", config.addresses(), opened.uri(), opened.mtu(), mss);
    }

    /** The configured stack settings, or the defaults, with an MSS no larger than the link carries. */
    private StackConfig stackConfigFor(int linkMss) {
        StackConfig configured = config.stack();
        if (configured == null) {
            int[] addresses = config.addresses().stream().mapToInt(Ipv4::of).toArray();
            return StackConfig.of(addresses).withTcp(TcpConfig.DEFAULT.toBuilder().mss(linkMss).build());
        }
        if (configured.tcp().mss() <= linkMss) {
            return configured;
        }
        // the default MSS (1460, Ethernet's) is a ceiling, and a link with a smaller MTU is normal: say so only for a chosen one
        if (configured.tcp().mss() != TcpConfig.DEFAULT.mss()) {
            log.info("engine {}: TCP MSS {} lowered to {}, what the link's MTU carries", config.addresses(),
                    configured.tcp().mss(), linkMss);
        }
        return configured.withTcp(configured.tcp().toBuilder().mss(linkMss).build());
    }

    private void removeShard(Shard s) {
        synchronized (this) {
            shards.remove(s.loop, s);
            shardList = Arrays.stream(shardList).filter(x -> x != s).toArray(Shard[]::new);
        }
        s.close(); // the loop has terminated: nobody else touches the stack now
    }

    static void runOn(EventLoop loop, Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Listening

    /** The listeners every shard must have; see {@link Shard#syncListeners()}. */
    ListenerSet listenerSet() {
        return listenerSet;
    }

    /**
     * Installs {@code server}'s listener on {@code port} (0 for a free one) in every shard; returns the port.
     * Once this returns, every shard installs it before it next reads a packet, runs a timer or opens a
     * connection ({@link Shard#syncListeners()}), so a SYN sent after {@code bind()} completed finds it even
     * when it reaches a shard whose drain task was queued before the bind. Shards that stay idle get it
     * through their task queues. Connections from the link are spread over {@code routeShards}.
     */
    int listen(EngineServerSocketChannel server, Shard[] routeShards, int address, int port, int backlog)
            throws BindException {
        ListenerSpec spec;
        Shard[] targets;
        synchronized (this) {
            if (closed) {
                throw new BindException("engine " + config + " is closed");
            }
            ListenerRoute route = new ListenerRoute(server, routeShards);
            int p = port;
            if (p == 0) {
                p = ports.claimEphemeral(route);
                if (p < 0) {
                    throw new BindException("no free port left on engine " + config.addresses());
                }
            } else if (!ports.claim(p, route)) {
                throw new BindException("Address already in use: port " + p + " on engine " + config.addresses());
            }
            spec = new ListenerSpec(route, address, p, backlog);
            listeners.put(server, spec);
            listenerSet = new ListenerSet(List.copyOf(listeners.values()));
            targets = shardList.clone();
        }
        for (Shard s : targets) {
            runOn(s.loop, s::syncListeners);
        }
        return spec.port;
    }

    void unlisten(EngineServerSocketChannel server) {
        ListenerSpec spec;
        Shard[] targets;
        synchronized (this) {
            spec = listeners.remove(server);
            if (spec != null) {
                listenerSet = new ListenerSet(List.copyOf(listeners.values()));
            }
            targets = shardList.clone();
        }
        if (spec == null) {
            return;
        }
        for (Shard s : targets) {
            runOn(s.loop, s::syncListeners);
        }
        ports.release(spec.port, spec.route);
    }

    // ------------------------------------------------------------------------------------------------
    // Packets

    void sendToLink(ByteBuf packet) {
        PacketLink l = link;
        if (l == null) {
            packet.release();
            return;
        }
        l.send(packet);
    }

    /**
     * From the link, on its thread: to the shard that owns the destination port (RFC 791 / 9293 headers). An ICMP
     * error goes where the connection it quotes lives; every fragment goes to the first shard, which reassembles
     * and hands the whole datagram back here ({@link Shard}).
     */
    void receiveFromLink(ByteBuf packet) {
        Shard target = null;
        int base = packet.readerIndex();
        int length = packet.readableBytes();
        if (length >= IPV4_HEADER_BYTES + 4) {
            int headerLength = (packet.getByte(base) & 0xf) * 4;
            boolean fragment = (packet.getUnsignedShort(base + 6) & 0x3fff) != 0;
            int quoted = headerLength + 8; // an ICMP error's copy of the packet we sent
            if (fragment) {
                target = null;
            } else if (packet.getUnsignedByte(base + 9) == 1 && length >= quoted + IPV4_HEADER_BYTES + 4) {
                int quotedPortsAt = quoted + (packet.getByte(base + quoted) & 0xf) * 4;
                if (length >= quotedPortsAt + 4) {
                    int quotedPorts = packet.getInt(base + quotedPortsAt);
                    target = shardFor(quotedPorts >>> 16, packet.getInt(base + quoted + 16), quotedPorts & 0xffff);
                }
            } else if (length >= headerLength + 4) {
                int ports4 = packet.getInt(base + headerLength);
                target = shardFor(ports4 & 0xffff, packet.getInt(base + 12), ports4 >>> 16);
            }
        }
        if (target == null) {
            Shard[] all = shardList; // no owner: any shard answers with RST or counts the drop
            if (all.length == 0) {
                packet.release();
                return;
            }
            target = all[0];
        }
        target.enqueue(packet);
    }

    private Shard shardFor(int localPort, int remoteAddr, int remotePort) {
        Object owner = ports.owner(localPort);
        if (owner instanceof Shard s) {
            return s;
        }
        return owner instanceof ListenerRoute route ? route.shardFor(remoteAddr, remotePort) : null;
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        if (shared) {
            SHARED.remove(config, this);
        }
        PacketLink l = link;
        if (l != null) {
            l.close();
        }
    }

    @Override
    public String toString() {
        return "engine " + config.addresses() + " on " + config.link();
    }
}
