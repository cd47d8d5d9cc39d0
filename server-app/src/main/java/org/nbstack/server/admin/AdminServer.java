package org.nbstack.server.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.nbstack.config.AdminSettings;
import org.nbstack.server.metrics.ServerMeters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP endpoint on the JDK's own HTTP server: {@code /metrics} (Prometheus text, or OpenMetrics when
 * the Accept header asks), {@code /healthz}, {@code /status}, {@code /netstat}, {@code /sessions} as JSON, or as
 * the CLI's tables with {@code ?format=text}.
 *
 * <p>Why the JDK server and not Netty: it needs no codec code or extra dependency, and it runs on its own small,
 * bounded thread pool, so by construction it never shares a thread with a session event loop and keeps
 * answering while sessions fail or stall (seed 004).
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    /** Requests waiting for an admin thread; beyond it a request is answered 503 at once. */
    private static final int QUEUE = 64;

    private static final String INDEX = """
            nbstack admin endpoint
              /metrics   Prometheus metrics (OpenMetrics when asked; gzip when asked)
              /healthz   ok, degraded: why (200), or 503 when no listener runs
              /status    version, uptime, listeners, sessions, engine (JSON; ?format=text for the CLI's table)
              /sessions  every NetBIOS session (JSON; ?format=text)
              /netstat   the engine's connections (JSON; ?format=text)
            """;

    private final HttpServer server;
    private final ThreadPoolExecutor executor;

    private AdminServer(HttpServer server, ThreadPoolExecutor executor) {
        this.server = server;
        this.executor = executor;
    }

    /** @throws IOException when the address cannot be bound */
    public static AdminServer start(AdminSettings settings, AdminSource source) throws IOException {
        HttpServer server = HttpServer.create(settings.bind().toSocketAddress(), settings.backlog());
        AtomicInteger ids = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(settings.threads(), settings.threads(), 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUE), r -> {
                    Thread t = new Thread(r, "nbstack-admin-" + ids.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, (task, pool) -> {
                    throw new java.util.concurrent.RejectedExecutionException("admin endpoint busy");
                });
        server.setExecutor(executor);
        context(server, "/", exchange -> respond(exchange, 200, "text/plain; charset=utf-8", INDEX));
        context(server, "/metrics", exchange -> {
            ServerMeters.Exposition exposition = source.scrape(exchange.getRequestHeaders().getFirst("Accept"));
            respond(exchange, 200, exposition.contentType(), exposition.body(), acceptsGzip(exchange));
        });
        context(server, "/healthz", exchange -> {
            boolean healthy = source.healthy();
            // degraded still serves (200), so a load balancer keeps it; the body tells an operator what is missing
            String body = !healthy ? "no listener is running\n" : source.degraded().map(why -> "degraded: " + why + "\n").orElse("ok\n");
            respond(exchange, healthy ? 200 : 503, "text/plain; charset=utf-8", body);
        });
        context(server, "/status", exchange -> {
            StatusView status = source.status();
            reply(exchange, AdminViews.json(status), AdminViews.text(status));
        });
        context(server, "/sessions", exchange -> {
            var sessions = source.sessions();
            reply(exchange, AdminViews.sessionsJson(sessions), AdminViews.sessionsText(sessions));
        });
        context(server, "/netstat", exchange -> {
            NetstatView netstat = source.netstat(settings.queryTimeout());
            reply(exchange, AdminViews.netstatJson(netstat), AdminViews.netstatText(netstat));
        });
        server.start();
        log.debug("admin endpoint on http://{}/", address(server.getAddress())); // serve prints it on standard output
        return new AdminServer(server, executor);
    }

    /**
     * A handler for exactly {@code path} (the JDK server matches by prefix: {@code /healthzzz} must be a 404) that
     * answers 500 with the error, instead of dropping the connection, when building the answer fails.
     */
    private static void context(HttpServer server, String path, com.sun.net.httpserver.HttpHandler handler) {
        server.createContext(path, exchange -> {
            if (!exchange.getRequestURI().getPath().equals(path)) {
                respond(exchange, 404, "text/plain; charset=utf-8", "not found: " + exchange.getRequestURI().getPath() + "\n\n" + INDEX);
                return;
            }
            try {
                handler.handle(exchange);
            } catch (RuntimeException e) {
                log.warn("admin request {} failed", exchange.getRequestURI(), e);
                respond(exchange, 500, "text/plain; charset=utf-8", "internal error: " + e + "\n");
            }
        });
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Stops at once: an in-flight request gets at most one second to finish. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }

    private static void reply(HttpExchange exchange, String json, String text) throws IOException {
        String query = exchange.getRequestURI().getRawQuery();
        if (query != null && query.contains("format=text")) {
            respond(exchange, 200, "text/plain; charset=utf-8", text);
        } else {
            respond(exchange, 200, "application/json", json);
        }
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        respond(exchange, status, contentType, body.getBytes(StandardCharsets.UTF_8), false);
    }

    /** Whether an {@code Accept-Encoding} header (Prometheus sends one) names gzip without {@code q=0}. */
    private static boolean acceptsGzip(HttpExchange exchange) {
        for (String header : exchange.getRequestHeaders().getOrDefault("Accept-Encoding", java.util.List.of())) {
            for (String coding : header.split(",")) {
                String[] parts = coding.split(";");
                if (parts[0].strip().equalsIgnoreCase("gzip")) {
                    return parts.length == 1 || !parts[1].strip().matches("q=0(\\.0*)?");
                }
            }
        }
        return false;
    }

    /** @param gzip compress the body */
    private static void respond(HttpExchange exchange, int status, String contentType, byte[] body, boolean gzip) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body;
            if (gzip) {
                java.io.ByteArrayOutputStream compressed = new java.io.ByteArrayOutputStream(bytes.length / 4 + 64);
                try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(compressed)) {
                    out.write(bytes);
                }
                bytes = compressed.toByteArray();
                exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            }
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    static String address(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }
}
