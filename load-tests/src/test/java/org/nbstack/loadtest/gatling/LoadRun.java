package org.nbstack.loadtest.gatling;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.nbstack.loadtest.report.LatencyBook;
import org.nbstack.loadtest.server.EngineCounters;
import org.nbstack.loadtest.server.InJvmServer;
import org.nbstack.loadtest.server.ServerTuning;
import org.nbstack.loadtest.server.ServerUnderTest;
import org.nbstack.loadtest.targets.LoadTarget;
import org.nbstack.loadtest.targets.LoadTargets;
import org.nbstack.loadtest.targets.RunTransport;
import org.nbstack.netbios.client.NetbiosClient;
import org.nbstack.netbios.client.NetbiosClientSettings;
import org.nbstack.netbios.codec.NbssFrames;
import org.nbstack.netbios.session.OverflowPolicy;
import org.nbstack.netbios.session.SessionLimits;
import org.nbstack.netbios.session.SessionSettings;
import org.nbstack.netbios.session.SessionTimeouts;
import org.nbstack.spi.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulation's run: the target, the server under test (the runner's, or one of its own), the NetBIOS clients
 * the virtual users share, and every connection still open, so that the end of the run releases everything.
 * Started from the simulation's {@code before()}, finished from its {@code after()}.
 */
public final class LoadRun {

    private static final Logger log = LoggerFactory.getLogger(LoadRun.class);
    /** Where the runner and the JUnit test put Gatling's results; percentiles go into the run's report folder. */
    public static final String RESULTS_PROPERTY = Knobs.PREFIX + "results";

    /** The failing users' messages are 4 KiB; their short inbound queue must still hold one largest message. */
    private static final int NON_READING_MAX_MESSAGE = 16 * 1024;

    private final String simulationId;
    private final ServerTuning tuning;
    private final Set<VuConnection> open = ConcurrentHashMap.newKeySet();
    private LoadTarget target;
    private ServerUnderTest server;
    private boolean ownsServer;
    private NetbiosClient client;
    private NetbiosClient nonReadingClient;
    private LocalPortConnector connector;
    private Optional<Long> synRetransmissionsAtStart = Optional.empty();
    private Optional<EngineCounters> clientEngineAtStart = Optional.empty();
    private Optional<EngineCounters> serverEngineAtStart = Optional.empty();
    private RunTransport clientRunTransport;
    private Transport clientTransport;

    /** @param simulationId Gatling's id of the simulation: its class's simple name, lower-cased */
    public LoadRun(String simulationId, ServerTuning tuning) {
        this.simulationId = simulationId;
        this.tuning = tuning;
    }

    public void start() {
        target = LoadTargets.fromSystemProperties();
        target.unavailableReason().ifPresent(reason -> {
            throw new IllegalStateException(reason);
        });
        LatencyBook.startNew();
        try {
            Optional<ServerUnderTest> provided = ProvidedServer.get();
            ownsServer = provided.isEmpty();
            server = provided.orElseGet(() -> InJvmServer.start(target, tuning, Knobs.integer("serverThreads", 1, 1)));
            int threads = Knobs.integer("clientThreads", 1, 1);
            clientRunTransport = RunTransport.open(target.clientTransport(), target.clientOptions());
            clientTransport = clientRunTransport.transport();
            client = NetbiosClient.create(clientTransport, NetbiosClientSettings.DEFAULT.withSession(clientSessions()), null);
            nonReadingClient = NetbiosClient.create(clientTransport, nonReadingClientSettings(), null);
            connector = new LocalPortConnector(clientTransport, target.isKernel(), clientSessions(), threads);
            synRetransmissionsAtStart = server.synRetransmissions();
            clientEngineAtStart = EngineCounters.of(clientTransport);
            serverEngineAtStart = server.engineCounters();
        } catch (RuntimeException e) {
            finish(); // Gatling does not call after() when before() failed
            throw e;
        }
        log.info("{} against {}", simulationId, server.describe());
    }

    /** Client sessions: default bounds, no keep-alives or idle timeouts of their own. */
    private static SessionSettings clientSessions() {
        return new SessionSettings(SessionLimits.DEFAULT, new SessionTimeouts(Duration.ZERO, Duration.ZERO, Duration.ofSeconds(30)),
                NbssFrames.MAX_LENGTH);
    }

    /**
     * For users that stop reading (seed 004): a small socket receive buffer and a short inbound queue, so the
     * server's echoes back up into the server within a few messages, and room to keep sending meanwhile.
     */
    private static NetbiosClientSettings nonReadingClientSettings() {
        SessionLimits limits = new SessionLimits(8, 64 * 1024, 256, 1024 * 1024, 1100 * 1024, OverflowPolicy.DROP_NEWEST);
        return NetbiosClientSettings.DEFAULT.withReceiveBufferSize(4096)
                .withSession(new SessionSettings(limits, clientSessions().timeouts(), NON_READING_MAX_MESSAGE));
    }

    public void finish() {
        logEngineCounters();
        for (VuConnection connection : open) {
            connection.abort();
        }
        open.clear();
        closeQuietly(connector);
        closeQuietly(client);
        closeQuietly(nonReadingClient);
        closeQuietly(clientRunTransport); // after the clients' event loops, which its link lived on
        if (ownsServer && server != null) {
            server.close();
        }
        writePercentiles();
    }

    /** What the engines counted during the run: the first place to look when a run on the engine was slow. */
    private void logEngineCounters() {
        clientEngineAtStart.ifPresent(start -> EngineCounters.of(clientTransport)
                .ifPresent(now -> log.info("load generator's engine during the run: {}", now.since(start))));
        serverEngineAtStart.ifPresent(start -> server.engineCounters()
                .ifPresent(now -> log.info("server's engine during the run: {}", now.since(start))));
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            log.warn("closing {} failed", closeable, e);
        }
    }

    /** Writes the microsecond percentiles into this run's Gatling report folder (the newest one of this simulation). */
    private void writePercentiles() {
        Path results = Path.of(System.getProperty(RESULTS_PROPERTY, "target/gatling"));
        try {
            Path folder = newestRunFolder(results).orElse(results);
            Path file = LatencyBook.current().writeTo(folder);
            log.info("microsecond latency percentiles: {}", file.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the latency percentiles under " + results, e);
        }
    }

    private Optional<Path> newestRunFolder(Path results) throws IOException {
        if (!Files.isDirectory(results)) {
            return Optional.empty();
        }
        try (Stream<Path> folders = Files.list(results)) {
            return folders.filter(Files::isDirectory).filter(p -> p.getFileName().toString().startsWith(simulationId + "-"))
                    .max(Comparator.comparing(p -> p.toFile().lastModified()));
        }
    }

    LoadTarget target() {
        return target;
    }

    ServerUnderTest server() {
        return server;
    }

    InetSocketAddress serverAddress() {
        return server.address();
    }

    NetbiosClient client() {
        return client;
    }

    NetbiosClient nonReadingClient() {
        return nonReadingClient;
    }

    LocalPortConnector connector() {
        return connector;
    }

    Optional<Long> synRetransmissionsAtStart() {
        return synRetransmissionsAtStart;
    }

    void opened(VuConnection connection) {
        open.add(connection);
    }

    void forgotten(VuConnection connection) {
        open.remove(connection);
    }
}
