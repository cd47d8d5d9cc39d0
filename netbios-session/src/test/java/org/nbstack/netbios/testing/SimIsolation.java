package org.nbstack.netbios.testing;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.nbstack.netbios.codec.NbssFrames;
import org.nbstack.netbios.codec.PacketType;
import org.nbstack.netbios.codec.SessionRequest;
import org.nbstack.netbios.name.NetbiosName;
import org.nbstack.netbios.server.NameListener;
import org.nbstack.netbios.server.ListenerRegistry;
import org.nbstack.netbios.server.NetbiosServer;
import org.nbstack.netbios.server.NetbiosServerSettings;
import org.nbstack.netbios.session.SessionStatus;
import org.nbstack.spi.Transport;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.sim.SimEngines;
import org.nbstack.tcp.sim.SimEventLoops;

/**
 * Seed 004 (Q186873) in deterministic virtual time: a NetBIOS server on the engine and all its clients on a second
 * engine, every event loop of both (and the test's own) driven by one {@link SimEventLoops} scheduler, with the
 * {@code sim} link between them. Healthy clients echo on a fixed period and read the server's broadcasts; in each
 * round, after a baseline phase, clients that stop reading and clients whose host vanishes (blackholed on the link)
 * join, and the server must find and abort them by its write-stall timeout. Everything the test measures is virtual
 * time, so a busy machine changes nothing, and a seed replays exactly.
 *
 * <p>Clients are event-driven channel handlers (nothing may block in a simulation): a healthy one sends a 17-octet
 * echo request each period, unless its previous one is still out (counted as a missed period).
 */
public final class SimIsolation implements AutoCloseable {
    public static final NetbiosName SERVER_NAME = NetbiosName.server("FILESERVER");
    private static final String SERVER_ADDRESS = "10.139.0.1";
    private static final String CLIENT_ADDRESS = "10.139.0.2";
    private static final int VANISHING_HOSTS = 10;
    private static final int ECHO_SIZE = 17;
    private static final int STOP_READING_REQUEST = 4096;
    private static final int STOP_READING_REQUESTS = 16;
    private static final int FAILING_WINDOW = 4096;

    /** What the scenario is made of. */
    public record Plan(int healthy, Duration echoPeriod, Duration broadcastPeriod, int broadcastSize, Duration writeStall,
            Duration baseline, int rounds, String linkQuery) {
    }

    /** One round's failure: how many of each kind. */
    public record Failure(int stopReading, int vanishing) {
        public int total() {
            return stopReading + vanishing;
        }
    }

    /** What one failure phase looked like. */
    public record Window(Duration allGoneAfter, Duration slowestTeardown, boolean sawStalledSession, int statusPolls,
            int statusPollsLate) {
    }

    private final SimEventLoops sim;
    private final SimEngines engines;
    private final Plan plan;
    private final SplittableRandom random;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final NetbiosServer server;
    private final Transport clientTransport;
    private final EventLoopGroup clientLoops;
    private final EventLoop testLoop;
    private final List<Channel> channels = new ArrayList<>();
    private final List<Channel> vanished = new ArrayList<>();
    private final List<String> healthyErrors = new ArrayList<>();
    private final List<Healthy> healthy = new ArrayList<>();
    private List<Long> samples = new ArrayList<>();
    private int missedPeriods;
    private int nextVanishingHost;
    private int failingEstablished;
    private int clientSerial;

    public SimIsolation(SimEventLoops sim, Plan plan) throws Exception {
        this(sim, plan, b -> b);
    }

    /** @param settings changes to the server's settings (request timeout, pending-connection limit, ...) */
    public SimIsolation(SimEventLoops sim, Plan plan, java.util.function.UnaryOperator<NetbiosServerSettings.Builder> settings)
            throws Exception {
        this(sim, plan, settings, tcp -> tcp, tcp -> tcp);
    }

    /**
     * @param serverTcp changes to the server engine's TCP defaults (keepalive idle, interval, count, ...)
     * @param clientTcp changes to the client engine's TCP defaults (e.g. no delayed ACK, so a test knows when the
     *                  server last heard from a client)
     */
    public SimIsolation(SimEventLoops sim, Plan plan, java.util.function.UnaryOperator<NetbiosServerSettings.Builder> settings,
            java.util.function.UnaryOperator<TcpConfig.Builder> serverTcp, java.util.function.UnaryOperator<TcpConfig.Builder> clientTcp)
            throws Exception {
        this.sim = sim;
        this.plan = plan;
        this.random = new SplittableRandom(sim.seed() ^ 0x186873L);
        this.engines = new SimEngines(sim, plan.linkQuery());
        Transport serverTransport = engines.transport("server", serverTcp, SERVER_ADDRESS);
        String[] clientAddresses = new String[1 + VANISHING_HOSTS];
        clientAddresses[0] = CLIENT_ADDRESS;
        for (int i = 0; i < VANISHING_HOSTS; i++) {
            clientAddresses[1 + i] = "10.139.0." + (3 + i);
        }
        clientTransport = engines.transport("clients", clientTcp, clientAddresses);
        ListenerRegistry listeners = new ListenerRegistry();
        listeners.listen(NameListener.of(SERVER_NAME, session -> session.inbound()));
        NetbiosServerSettings.Builder builder = NetbiosServerSettings.builder().transport("engine")
                .bindAddress(SERVER_ADDRESS, 139).eventLoopThreads(2)
                .writeStallTimeout(plan.writeStall())
                .keepAliveInterval(Duration.ZERO)
                // 32 queued messages per session: a stalled session's queue fills before its stall is declared
                .sessionLimits(new org.nbstack.netbios.session.SessionLimits(64, 256 * 1024, 32, 128 * 1024, 384 * 1024,
                        org.nbstack.netbios.session.OverflowPolicy.DROP_NEWEST))
                .sendBufferSize(8 * 1024);
        NetbiosServerSettings built = settings.apply(builder).build();
        server = sim.callBlocking(() -> NetbiosServer.start(serverTransport, built, listeners, meters));
        clientLoops = clientTransport.newEventLoopGroup(2);
        testLoop = sim.newGroup("test", 1).next();
    }

    public SimpleMeterRegistry meters() {
        return meters;
    }

    public NetbiosServer server() {
        return server;
    }

    public List<String> healthyErrors() {
        return healthyErrors;
    }

    public int missedPeriods() {
        return missedPeriods;
    }

    /** Connects the healthy clients, waits until all have sessions, starts the broadcasts and runs {@code warmUp}. */
    public void startHealthy(Duration warmUp) {
        for (int i = 0; i < plan.healthy(); i++) {
            Healthy client = new Healthy("HEALTHY" + i);
            healthy.add(client);
            connect(null, client, true, 0);
        }
        if (!sim.runUntil(() -> healthy.stream().allMatch(h -> h.established), Duration.ofSeconds(10))) {
            throw new AssertionError("healthy clients without a session after 10 s: "
                    + healthy.stream().filter(h -> !h.established).count());
        }
        sim.trace(plan.healthy() + " healthy sessions established");
        if (plan.broadcastPeriod().isZero()) {
            sim.runFor(warmUp); // no broadcasts: sessions that do not echo stay idle
            return;
        }
        byte[] payload = new byte[plan.broadcastSize()];
        payload[0] = 'B';
        testLoop.scheduleAtFixedRate(() -> server.sendToAll(SERVER_NAME, Unpooled.wrappedBuffer(payload)),
                0, plan.broadcastPeriod().toNanos(), TimeUnit.NANOSECONDS);
        sim.runFor(warmUp);
    }

    /** Runs {@code duration} and returns the healthy round trips (ns) that completed in it. */
    public List<Long> measure(Duration duration) {
        samples = new ArrayList<>();
        sim.runFor(duration);
        List<Long> taken = samples;
        samples = new ArrayList<>();
        return taken;
    }

    /** Runs until {@code done} holds or {@code within} passes, the healthy round trips meanwhile going to {@code into}. */
    public boolean measureWhile(List<Long> into, java.util.function.BooleanSupplier done, Duration within) {
        samples = into;
        try {
            return sim.runUntil(done, within);
        } finally {
            samples = new ArrayList<>();
        }
    }

    /**
     * Starts {@code failure}'s clients, blackholes the vanishing ones once they have sessions, and runs until the
     * status view shows none of them (polled every 50 ms from the test's own loop) or {@code bound} passes.
     * Healthy round trips meanwhile, and for {@code after} more, go to {@code failureSamples}.
     */
    public Window fail(Failure failure, Duration bound, Duration after, List<Long> failureSamples) {
        samples = failureSamples;
        long start = sim.nanoTime();
        String round = "F" + clientSerial++;
        failingEstablished = 0;
        for (int i = 0; i < failure.stopReading(); i++) {
            connect(null, new StopReading(round + "STOPREAD" + i), false, FAILING_WINDOW);
        }
        String host = failure.vanishing() > 0 ? "10.139.0." + (3 + nextVanishingHost++ % VANISHING_HOSTS) : null;
        List<Channel> hostChannels = new ArrayList<>();
        for (int i = 0; i < failure.vanishing(); i++) {
            hostChannels.add(connect(new InetSocketAddress(host, 0), new Frozen(round + "VANISHED" + i), false, FAILING_WINDOW));
        }
        if (!sim.runUntil(() -> failingEstablished == failure.total(), Duration.ofSeconds(10))) {
            throw new AssertionError("failing clients without a session after 10 s: " + (failure.total() - failingEstablished));
        }
        if (host != null) {
            engines.blackhole(host);
            vanished.addAll(hostChannels);
        }
        sim.trace("failure " + failure + " started");
        Poll poll = new Poll(start);
        poll.future = testLoop.scheduleAtFixedRate(poll, 0, 50, TimeUnit.MILLISECONDS);
        boolean gone = sim.runUntil(() -> poll.allGoneAt > 0, bound);
        poll.future.cancel(false);
        sim.runFor(after);
        samples = new ArrayList<>();
        return new Window(gone ? Duration.ofNanos(poll.allGoneAt - start) : null, Duration.ofNanos(poll.slowestTeardown),
                poll.sawStalledSession, poll.polls, poll.late);
    }

    /** Clients on one host that got their sessions and then went silent: see {@link #openFrozen}. */
    public record FrozenHost(String address, List<Frozen> clients) {
    }

    /**
     * Connects {@code count} clients from the next vanishing host (receive window 4 KiB, reading nothing after the
     * session response) and runs until all have sessions; {@link #vanish} then blackholes the host.
     */
    public FrozenHost openFrozen(String prefix, int count) {
        String host = "10.139.0." + (3 + nextVanishingHost++ % VANISHING_HOSTS);
        failingEstablished = 0;
        List<Frozen> clients = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Frozen client = new Frozen(prefix + i);
            clients.add(client);
            vanished.add(connect(new InetSocketAddress(host, 0), client, false, FAILING_WINDOW));
        }
        if (!sim.runUntil(() -> failingEstablished == count, Duration.ofSeconds(10))) {
            throw new AssertionError("frozen clients without a session after 10 s: " + (count - failingEstablished));
        }
        return new FrozenHost(host, clients);
    }

    /** From now on the link drops every packet from and to {@code host}'s address. */
    public void vanish(FrozenHost host) {
        engines.blackhole(host.address());
    }

    /** A connection that never sends its SESSION REQUEST: when it was established, and when the server closed it. */
    public static final class Silent extends ChannelInboundHandlerAdapter {
        private final SimEventLoops sim;
        public long activeAt = -1;
        public long closedAt = -1;
        /** What ended it, when it was an error (the server's reset), else null. */
        public Throwable error;

        Silent(SimEventLoops sim) {
            this.sim = sim;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            activeAt = sim.nanoTime();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closedAt = sim.nanoTime();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            error = cause;
            ctx.close(); // the server's reset
        }
    }

    /** Opens {@code count} connections that never send anything, one every {@code spacing}. */
    public List<Silent> openSilent(int count, Duration spacing) {
        return openSilent(count, spacing, null);
    }

    /** As {@link #openSilent(int, Duration)}, from {@code host} (one of {@link #otherHost}'s addresses; null: the clients' own). */
    public List<Silent> openSilent(int count, Duration spacing, String host) {
        List<Silent> flood = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Silent silent = new Silent(sim);
            flood.add(silent);
            connect(host == null ? null : new InetSocketAddress(host, 0), silent, true, 0);
            sim.runFor(spacing);
        }
        return flood;
    }

    /**
     * Address {@code i} of the client engine's extra hosts (the ones {@link #openFrozen} also uses, from the first
     * on): for tests that need callers from several addresses.
     */
    public static String otherHost(int i) {
        if (i < 0 || i >= VANISHING_HOSTS) {
            throw new IllegalArgumentException("the client engine has " + VANISHING_HOSTS + " extra hosts, not " + i);
        }
        return "10.139.0." + (3 + i);
    }

    /** A connection that sends its SESSION REQUEST at once: the answer it got, and when the server closed it. */
    public static final class Caller extends ChannelInboundHandlerAdapter {
        private final SimEventLoops sim;
        private final String name;
        /** The answer's packet type (0x82 positive, 0x83 negative), -1 before one came. */
        public int answer = -1;
        /** A negative answer's error code, -1 otherwise. */
        public int errorCode = -1;
        public long closedAt = -1;
        private Channel channel;

        Caller(SimEventLoops sim, String name) {
            this.sim = sim;
            this.name = name;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            requestSession(ctx, name);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            try {
                if (answer < 0) {
                    answer = frame.getUnsignedByte(0);
                    errorCode = answer == 0x83 && frame.readableBytes() > 4 ? frame.getUnsignedByte(4) : -1;
                }
            } finally {
                frame.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closedAt = sim.nanoTime();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        /** Hangs up (a session it holds ends). */
        public void hangUp() {
            channel.close();
        }
    }

    /** Connects {@code count} callers from {@code host} (null: the clients' own address) and runs until all are answered. */
    public List<Caller> call(String prefix, int count, String host) {
        List<Caller> callers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Caller caller = new Caller(sim, prefix + i);
            callers.add(caller);
            connect(host == null ? null : new InetSocketAddress(host, 0), caller, true, 0);
        }
        if (!sim.runUntil(() -> callers.stream().allMatch(c -> c.answer >= 0), Duration.ofSeconds(10))) {
            throw new AssertionError("callers without an answer after 10 s: " + callers.stream().filter(c -> c.answer < 0).count());
        }
        return callers;
    }

    /** Vanished clients whose channel closed: the server's reset reached a host that is gone. */
    public long vanishedThatHeardOfTheirAbort() {
        return vanished.stream().filter(c -> !c.isActive()).count();
    }

    @Override
    public void close() throws Exception {
        for (Healthy h : healthy) {
            h.running = false;
        }
        channels.forEach(Channel::close);
        sim.runFor(Duration.ofMillis(100));
        sim.callBlocking(() -> {
            server.close();
            return null;
        });
        sim.close();
        engines.close();
    }

    // ------------------------------------------------------------------------------------------------

    private Channel connect(InetSocketAddress local, ChannelInboundHandlerAdapter client, boolean autoRead, int receiveBuffer) {
        Bootstrap bootstrap = new Bootstrap().group(clientLoops).channelFactory(clientTransport.channelFactory())
                .option(ChannelOption.AUTO_READ, autoRead)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // RFC 1002 §4.3.1: type, flags (bit 0 extends the length), 16-bit length: 3 octets from offset 1
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(4 + NbssFrames.MAX_LENGTH, 1, 3, 0, 0), client);
                    }
                });
        if (receiveBuffer > 0) {
            bootstrap.option(ChannelOption.SO_RCVBUF, receiveBuffer);
        }
        InetSocketAddress remote = server.localAddress();
        ChannelFuture connect = local == null ? bootstrap.connect(remote) : bootstrap.connect(remote, local);
        channels.add(connect.channel());
        return connect.channel();
    }

    private static void requestSession(ChannelHandlerContext ctx, String calling) {
        ByteBuf request = ctx.alloc().buffer();
        NbssFrames.writeControl(new SessionRequest(SERVER_NAME, NetbiosName.of(calling, 0)), request);
        ctx.writeAndFlush(request);
    }

    private static ByteBuf message(ChannelHandlerContext ctx, int size, byte kind, long seq) {
        ByteBuf frame = ctx.alloc().buffer(4 + size);
        NbssFrames.writeHeader(PacketType.SESSION_MESSAGE, size, frame);
        frame.writeByte(kind);
        frame.writeLong(seq);
        frame.writeZero(size - 9);
        return frame;
    }

    /** Echoes once per period; checks every frame it gets. */
    private final class Healthy extends ChannelInboundHandlerAdapter {
        final String name;
        boolean established;
        boolean running = true;
        long seq;
        long sentAt = -1;

        Healthy(String name) {
            this.name = name;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            requestSession(ctx, name);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            try {
                int type = frame.getUnsignedByte(0);
                if (!established) {
                    if (type != 0x82) {
                        error("answer to the SESSION REQUEST was type " + type);
                        return;
                    }
                    established = true;
                    long period = plan.echoPeriod().toNanos();
                    ctx.executor().scheduleAtFixedRate(() -> tick(ctx), random.nextLong(period), period, TimeUnit.NANOSECONDS);
                    return;
                }
                if (type == 0x85) {
                    return; // KEEP ALIVE
                }
                int length = frame.readableBytes() - 4;
                if (type != 0 || length == 0) {
                    error("unexpected packet type " + type + " of " + length + " octets");
                } else if (frame.getByte(4) == 'B') {
                    if (length != plan.broadcastSize()) {
                        error("broadcast of " + length + " octets");
                    }
                } else if (frame.getByte(4) != 'E' || length != ECHO_SIZE || frame.getLong(5) != seq || sentAt < 0) {
                    error("echo out of order or mangled: seq " + frame.getLong(5) + ", expected " + seq);
                } else {
                    samples.add(sim.nanoTime() - sentAt);
                    sentAt = -1;
                }
            } finally {
                frame.release();
            }
        }

        private void tick(ChannelHandlerContext ctx) {
            if (!running) {
                return;
            }
            if (sentAt >= 0) {
                missedPeriods++; // the previous echo is not back after a whole period
                return;
            }
            sentAt = sim.nanoTime();
            ctx.writeAndFlush(message(ctx, ECHO_SIZE, (byte) 'E', ++seq));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (running) {
                error("connection closed");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            error(cause.toString());
        }

        private void error(String what) {
            if (running) {
                healthyErrors.add(name + " at " + sim.elapsed() + ": " + what);
            }
        }
    }

    /** Gets its session, then sends 64 KiB of echo requests in one burst and never reads again. */
    private final class StopReading extends ChannelInboundHandlerAdapter {
        final String name;
        boolean established;

        StopReading(String name) {
            this.name = name;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            requestSession(ctx, name);
            ctx.read();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ((ByteBuf) msg).release();
            if (!established) {
                established = true;
                failingEstablished++;
                for (int i = 0; i < STOP_READING_REQUESTS; i++) {
                    ctx.write(message(ctx, STOP_READING_REQUEST, (byte) 'E', i));
                }
                ctx.flush();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // reset by the server's abort
        }
    }

    /** Gets its session and from then on neither reads, writes nor closes; its host vanishes. */
    public final class Frozen extends ChannelInboundHandlerAdapter {
        public final String name;
        boolean established;
        /** When the positive session response was read (its TCP ACK left at the same instant without delayed ACK). */
        public long establishedAt = -1;

        Frozen(String name) {
            this.name = name;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            requestSession(ctx, name);
            ctx.read();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ((ByteBuf) msg).release();
            if (!established) {
                established = true;
                establishedAt = sim.nanoTime();
                failingEstablished++;
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** The status view every 50 ms while a failure lasts: when the failing sessions are gone, and what it showed. */
    private final class Poll implements Runnable {
        final long start;
        final java.util.Map<Long, Long> firstSeen = new java.util.HashMap<>();
        io.netty.util.concurrent.ScheduledFuture<?> future;
        long allGoneAt;
        long slowestTeardown;
        boolean sawStalledSession;
        int polls;
        int late;
        long expected;

        Poll(long start) {
            this.start = start;
            this.expected = sim.nanoTime();
        }

        @Override
        public void run() {
            long now = sim.nanoTime();
            polls++;
            if (now - expected > TimeUnit.MILLISECONDS.toNanos(1)) {
                late++; // the test's loop did not get to run its poll on time
            }
            expected += TimeUnit.MILLISECONDS.toNanos(50);
            List<SessionStatus> failing = server.sessions().stream()
                    .filter(s -> !s.callingName().name().startsWith("HEALTHY")).toList();
            java.util.Set<Long> present = new java.util.HashSet<>();
            for (SessionStatus s : failing) {
                present.add(s.id());
                firstSeen.putIfAbsent(s.id(), now);
                sawStalledSession |= s.outboundMessages() > 0 && s.sinceOutboundProgress().toMillis() > 500;
            }
            for (var seen : firstSeen.entrySet()) {
                if (!present.contains(seen.getKey())) {
                    slowestTeardown = Math.max(slowestTeardown, now - start);
                }
            }
            if (failing.isEmpty() && allGoneAt == 0 && !firstSeen.isEmpty()) {
                allGoneAt = now;
            }
        }
    }

    /** The value at quantile {@code p} (nearest rank). */
    public static long percentile(List<Long> values, double p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1));
    }
}
