package org.nbstack.server.app;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.nbstack.config.InvalidConfigException;
import org.nbstack.config.ListenerConfig;
import org.nbstack.config.NbstackConfig;
import org.nbstack.netbios.server.ListenerRegistry;
import org.nbstack.netbios.session.NetbiosSession;
import org.nbstack.netbios.session.SessionStatus;
import org.nbstack.server.admin.AdminServer;
import org.nbstack.server.admin.AdminSource;
import org.nbstack.server.admin.ListenerView;
import org.nbstack.server.admin.NetstatView;
import org.nbstack.server.admin.SessionRow;
import org.nbstack.server.admin.StatusView;
import org.nbstack.server.engine.EngineIntrospection;
import org.nbstack.server.handlers.HandlerContext;
import org.nbstack.server.handlers.SessionHandlers;
import org.nbstack.server.metrics.ServerMeters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running nbstack server: its listeners (each a NetBIOS session server on one transport, all serving the same
 * names), its meters and its admin endpoint. {@link #start} prints one line per listener; {@link #stop} shuts
 * down gracefully.
 */
public final class NbstackServer implements AdminSource, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NbstackServer.class);

    private final NbstackConfig config;
    private final List<RunningListener> listeners;
    private final ServerMeters meters;
    private final HandlerContext handlers;
    private final long startedNanos = System.nanoTime();
    private AdminServer admin;
    private volatile boolean stopped;

    private NbstackServer(NbstackConfig config, List<RunningListener> listeners, ServerMeters meters, HandlerContext handlers) {
        this.config = config;
        this.listeners = List.copyOf(listeners);
        this.meters = meters;
        this.handlers = handlers;
    }

    /**
     * Starts every enabled listener and the admin endpoint.
     *
     * @throws StartupException when a required listener, the handlers or the admin endpoint cannot start, or no listener runs
     */
    public static NbstackServer start(NbstackConfig config, ServerOptions options) {
        ServerMeters meters = new ServerMeters();
        HandlerContext handlers = new HandlerContext(meters.registry(), config);
        ListenerRegistry names;
        try {
            names = NetbiosMapping.registry(config.netbios(), SessionHandlers.discover(), handlers);
        } catch (IllegalArgumentException e) {
            handlers.close();
            meters.close();
            throw new InvalidConfigException(e.getMessage()); // an unknown handler or a bad option: exit 2, not 1
        }
        List<String> nameList = config.netbios().names().stream()
                .map(n -> n.name().toUpperCase(java.util.Locale.ROOT) + String.format("<%02X>", n.suffix())).sorted().toList();
        ListenerStarter starter = new ListenerStarter(config, names, nameList, meters, options);
        List<RunningListener> started = new ArrayList<>();
        try {
            for (ListenerConfig listener : config.enabledListeners()) {
                RunningListener result = starter.start(listener);
                started.add(result);
                options.out().println(line(result));
            }
            if (started.stream().noneMatch(RunningListener::running)) {
                throw new StartupException("no listener is running; enable one under nbstack.listeners");
            }
            NbstackServer server = new NbstackServer(config, started, meters, handlers);
            for (RunningListener listener : started) {
                meters.listenerUp(listener.config().name(), listener.config().transport(), () -> listener.running() && !server.stopped);
            }
            if (config.admin().enabled()) {
                server.admin = startAdmin(config, server);
                options.out().println("admin:     http://" + address(server.admin.address())
                        + "/ (metrics, healthz, status, netstat, sessions)");
            }
            return server;
        } catch (RuntimeException e) {
            GracefulShutdown.stop(started, Duration.ZERO); // what did start must not outlive the failed start
            handlers.close();
            meters.close();
            throw e;
        }
    }

    private static AdminServer startAdmin(NbstackConfig config, NbstackServer server) {
        try {
            return AdminServer.start(config.admin(), server);
        } catch (IOException e) {
            throw new StartupException("the admin endpoint cannot listen on " + config.admin().bind() + ": " + e.getMessage()
                    + " (is another nbstack running? set nbstack.admin.bind, or nbstack.admin.enabled = false)");
        }
    }

    private static String line(RunningListener listener) {
        ListenerConfig c = listener.config();
        String link = c.link().isEmpty() ? "" : " link=" + c.link();
        if (listener.running()) {
            return "listening: " + c.name() + " transport=" + c.transport() + link + " address=" + listener.address()
                    + " names=" + String.join(",", listener.names());
        }
        return "skipped:   " + c.name() + " transport=" + c.transport() + " address=" + c.bind() + ": " + listener.skipReason()
                + " (the other listeners serve; set nbstack.listeners." + c.name() + ".enabled = false to leave it out)";
    }

    /** Where the admin endpoint listens, when it runs. */
    public Optional<InetSocketAddress> adminAddress() {
        return Optional.ofNullable(admin).map(AdminServer::address);
    }

    /** Where listener {@code name} listens, when it runs. */
    public Optional<InetSocketAddress> listenerAddress(String name) {
        return listeners.stream().filter(l -> l.config().name().equals(name) && l.running()).findFirst()
                .map(l -> l.server().orElseThrow().localAddress());
    }

    public ServerMeters meters() {
        return meters;
    }

    @Override
    public Optional<String> degraded() {
        List<String> skipped = listeners.stream().filter(l -> !l.running())
                .map(l -> "listener " + l.config().name() + " skipped: " + l.skipReason()).toList();
        return skipped.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", skipped));
    }

    @Override
    public ServerMeters.Exposition scrape(String acceptHeader) {
        return meters.scrape(acceptHeader);
    }

    @Override
    public boolean healthy() {
        return !stopped && listeners.stream().anyMatch(RunningListener::running);
    }

    @Override
    public StatusView status() {
        List<ListenerView> views = new ArrayList<>();
        for (RunningListener l : listeners) {
            views.add(new ListenerView(l.config().name(), l.config().transport(), l.address(), l.config().link(),
                    l.running() ? "running" : "skipped", l.skipReason(), l.names()));
        }
        Optional<RunningListener> engine = engineListener();
        String engineText = engine.map(l -> l.engine().orElseThrow().description()).orElseGet(this::whyNoEngine);
        return new StatusView(version(), ProcessHandle.current().pid(), Duration.ofNanos(System.nanoTime() - startedNanos),
                views, sessions().size(), config.netbios().maxSessions(), engine.isPresent(), engineText);
    }

    @Override
    public List<SessionRow> sessions() {
        List<SessionRow> rows = new ArrayList<>();
        for (RunningListener l : listeners) {
            l.server().ifPresent(server -> {
                for (SessionStatus status : server.sessions()) {
                    rows.add(new SessionRow(l.config().name(), status,
                            server.session(status.id()).flatMap(NetbiosSession::serviceView)));
                }
            });
        }
        return rows;
    }

    @Override
    public NetstatView netstat(Duration timeout) {
        Optional<RunningListener> engineListener = engineListener();
        if (engineListener.isEmpty()) {
            return new NetstatView(false, "the engine is not running here: " + whyNoEngine(), List.of());
        }
        EngineIntrospection engine = engineListener.get().engine().orElseThrow();
        try {
            return new NetstatView(true, engine.description(),
                    engine.netstat().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new NetstatView(true, "interrupted while asking the engine", List.of());
        } catch (Exception e) {
            return new NetstatView(true, "the engine did not answer within " + org.nbstack.server.admin.HumanDuration.format(timeout) + ": " + e, List.of());
        }
    }

    private Optional<RunningListener> engineListener() {
        return listeners.stream().filter(l -> l.engine().isPresent()).findFirst();
    }

    private String whyNoEngine() {
        List<RunningListener> onEngine = listeners.stream().filter(l -> l.config().transport().equals(ListenerStarter.ENGINE)).toList();
        if (onEngine.isEmpty()) {
            return "no listener uses the engine transport";
        }
        return onEngine.stream().map(l -> "listener " + l.config().name() + (l.running()
                ? " runs on a transport that exposes no engine introspection" : " was skipped: " + l.skipReason()))
                .collect(Collectors.joining("; "));
    }

    /**
     * Stops accepting, closes every session gracefully (FIN), waits up to {@code grace}, aborts the rest, then
     * stops the admin endpoint. Idempotent.
     */
    public ShutdownReport stop(Duration grace) {
        return stop(grace, StopControl.none());
    }

    /**
     * As {@link #stop(Duration)}, announcing through {@code control} what it waits for; completing
     * {@code control.forced()} ends the wait at once and aborts what is left.
     */
    public synchronized ShutdownReport stop(Duration grace, StopControl control) {
        if (stopped) {
            return new ShutdownReport(0, 0, Duration.ZERO);
        }
        stopped = true;
        ShutdownReport report = GracefulShutdown.stop(listeners, grace, control);
        handlers.close(); // the file service's I/O threads, once no session is left to use them
        if (admin != null) {
            admin.close(); // last: it answers while the sessions close
        }
        meters.close();
        log.debug("{}", report.summary()); // serve prints it on standard output
        return report;
    }

    @Override
    public void close() {
        stop(config.shutdown().gracePeriod());
    }

    static String version() {
        return ServerMeters.version();
    }

    private static String address(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }
}
