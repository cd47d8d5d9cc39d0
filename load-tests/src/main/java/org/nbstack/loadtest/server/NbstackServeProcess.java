package org.nbstack.loadtest.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.nbstack.loadtest.targets.LoadTarget;
import org.nbstack.loadtest.targets.NetworkNamespace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployable server, {@code bin/nbstack serve}, started with a configuration written for the simulation: one
 * listener on the target's transport, the tuning's NetBIOS settings and the admin endpoint on a free loopback port.
 * CPU and memory are those of its process tree; SYN retransmissions come from its admin {@code /metrics}.
 */
public final class NbstackServeProcess implements ServerUnderTest {

    private static final Logger log = LoggerFactory.getLogger(NbstackServeProcess.class);
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3); // bin/nbstack builds the distribution when it is stale
    private static final String READY_LINE = "serving";

    private final Process process;
    private final InetSocketAddress address;
    private final URI metrics;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile String lastMetricsProblem = "not asked yet";

    private NbstackServeProcess(Process process, InetSocketAddress address, URI metrics) {
        this.process = process;
        this.address = address;
        this.metrics = metrics;
    }

    /** Whether {@code repository}'s {@code bin/nbstack} can serve (the server-app is there). */
    public static boolean availableIn(Path repository) {
        return Files.isExecutable(repository.resolve("bin/nbstack"))
                && Files.isDirectory(repository.resolve("server-app/src/main/java/org/nbstack/server/cli"));
    }

    public static NbstackServeProcess start(Path repository, LoadTarget target, ServerTuning tuning, int threads, Path workDir)
            throws IOException, InterruptedException {
        int port = target.isKernel() ? freeLoopbackPort() : 139;
        int adminPort = freeLoopbackPort();
        Files.createDirectories(workDir);
        Path config = workDir.resolve("nbstack-loadtest.conf");
        Files.writeString(config, config(target, tuning, threads, port, adminPort));
        ProcessBuilder builder = new ProcessBuilder(List.of(repository.resolve("bin/nbstack").toString(), "serve", "--config",
                config.toAbsolutePath().toString())) // bin/nbstack runs from the repository root
                .directory(repository.toFile()).redirectErrorStream(true);
        // The server reads NBSTACK_* variables as configuration keys and refuses unknown ones; the namespace marker is not one.
        builder.environment().remove(NetworkNamespace.MARKER);
        Process process = builder.start();
        awaitReady(process);
        if (target.needsNamespace()) {
            NetworkNamespace.configureKernelSide();
        }
        InetSocketAddress address = new InetSocketAddress(target.serverHost(), port);
        log.info("bin/nbstack serve (pid {}) listening on {} with {}", process.pid(), address, config);
        return new NbstackServeProcess(process, address, URI.create("http://127.0.0.1:" + adminPort + "/metrics"));
    }

    static String config(LoadTarget target, ServerTuning tuning, int threads, int port, int adminPort) {
        StringBuilder listener = new StringBuilder();
        listener.append("      transport = ").append(target.serverTransport()).append('\n')
                .append("      bind = \"").append(target.serverHost()).append(':').append(port).append("\"\n")
                .append("      threads = ").append(threads).append('\n');
        target.serverOptions().get("addresses").ifPresent(v -> listener.append("      addresses = \"").append(v).append("\"\n"));
        target.serverOptions().get("link").ifPresent(v -> listener.append("      link = \"").append(v).append("\"\n"));
        return """
                # Written by the load-test runner for one run; see load-tests in README "Load tests".
                nbstack {
                  listeners {
                    engine.enabled = false
                    kernel.enabled = false
                    loadtest {
                %s    }
                  }
                  netbios {
                %s    names { echo { handler = echo } }
                  }
                  admin.bind = "127.0.0.1:%d"
                }
                """.formatted(listener, tuning.hocon(), adminPort);
    }

    private static void awaitReady(Process process) throws IOException, InterruptedException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Boolean> ready = new CompletableFuture<>();
        Thread.ofVirtual().name("nbstack-serve-output").start(() -> {
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    log.info("[nbstack serve] {}", line);
                    if (line.startsWith(READY_LINE)) {
                        ready.complete(true);
                    }
                }
            } catch (IOException e) {
                log.debug("nbstack serve output ended", e);
            }
            ready.complete(false);
        });
        try {
            if (!ready.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IOException("bin/nbstack serve ended before serving (exit " + process.waitFor() + "); its output is in the log above");
            }
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            process.destroyForcibly();
            throw new IOException("bin/nbstack serve did not start within " + START_TIMEOUT, e);
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public ResourceUsage usage() {
        long cpu = 0;
        long rss = 0;
        long peak = 0;
        // bin/nbstack is a script that execs java, but count the whole tree in case a wrapper stays in between.
        for (ProcessHandle handle : Stream.concat(Stream.of(process.toHandle()), process.descendants()).toList()) {
            String pid = Long.toString(handle.pid());
            cpu += ProcStatus.cpuNanos(pid);
            long[] resident = ProcStatus.residentBytes(pid);
            rss += resident[0];
            peak += resident[1];
        }
        return new ResourceUsage(cpu, rss, peak, "the bin/nbstack serve process");
    }

    @Override
    public Optional<Long> synRetransmissions() {
        Optional<Long> count = scrape().flatMap(AdminMetrics::synRetransmissions);
        if (count.isEmpty() && lastMetricsProblem.isEmpty()) {
            lastMetricsProblem = metrics + " has no tcp_retransmits_total{kind=\"syn\"}";
        }
        return count;
    }

    @Override
    public Optional<EngineCounters> engineCounters() {
        return scrape().flatMap(AdminMetrics::engineCounters);
    }

    /** The server's {@code /metrics} text; empty (with {@link #lastMetricsProblem} saying why) when it cannot be read. */
    private Optional<String> scrape() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            lastMetricsProblem = "";
            return Optional.of(response.body());
        } catch (IOException e) {
            lastMetricsProblem = "cannot read " + metrics + ": " + e.getMessage();
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lastMetricsProblem = "interrupted while reading " + metrics;
            return Optional.empty();
        }
    }

    @Override
    public String synRetransmissionsAbsence() {
        return lastMetricsProblem;
    }

    @Override
    public String describe() {
        return "bin/nbstack serve (pid " + process.pid() + ") on " + address;
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: the server closes its sessions within its grace period
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                log.warn("bin/nbstack serve (pid {}) did not stop within 20 s after SIGTERM; killing it", process.pid());
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
