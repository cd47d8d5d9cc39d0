package org.nbstack.server.app;

import io.netty.channel.ServerChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.nbstack.netbios.server.NetbiosServer;
import org.nbstack.netbios.session.SessionStatus;
import org.nbstack.server.admin.HumanDuration;
import org.nbstack.server.engine.EngineIntrospection;
import org.nbstack.tcp.stack.ConnectionInfo;
import org.nbstack.tcp.core.TcpState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Stops the listeners in order: stop accepting, close every session after what it has queued (so each connection
 * ends with a FIN, not a reset), wait up to the grace period for the sessions and, on the engine, for every
 * connection to leave FIN_WAIT/CLOSING/LAST_ACK, then abort what is left and stop the event loops.
 */
final class GracefulShutdown {

    private static final Logger log = LoggerFactory.getLogger(GracefulShutdown.class);
    private static final Set<TcpState> CLOSING_STATES =
            EnumSet.of(TcpState.FIN_WAIT_1, TcpState.FIN_WAIT_2, TcpState.CLOSING, TcpState.LAST_ACK);

    private GracefulShutdown() {
    }

    static ShutdownReport stop(List<RunningListener> listeners, Duration grace) {
        return stop(listeners, grace, StopControl.none());
    }

    static ShutdownReport stop(List<RunningListener> listeners, Duration grace, StopControl control) {
        long start = System.nanoTime();
        long deadline = start + grace.toNanos();
        for (RunningListener listener : listeners) {
            listener.transport().ifPresent(t -> t.serverChannels().forEach(GracefulShutdown::stopAccepting));
        }
        Map<TcpState, Long> engineConnections = openEngineConnections(listeners);
        List<Mono<Void>> closing = new ArrayList<>();
        for (RunningListener listener : listeners) {
            listener.server().ifPresent(server -> closing.addAll(closeSessions(server)));
        }
        if (!grace.isZero() && (!closing.isEmpty() || !engineConnections.isEmpty())) {
            control.announce().accept(waitingLine(grace, closing.size(), engineConnections));
        }
        int aborted = 0;
        CompletableFuture<Void> sessionsClosed = Mono.when(closing).toFuture();
        try {
            CompletableFuture.anyOf(sessionsClosed, control.forced()).get(remaining(deadline).toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // counted below: whatever has not closed by now is aborted
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!sessionsClosed.isDone() || control.isForced()) {
            for (RunningListener listener : listeners) {
                aborted += listener.server().map(s -> s.sessions().size()).orElse(0);
            }
            if (aborted > 0) {
                log.warn("{} did not close {}; aborting them", Plural.count(aborted, "session"),
                        control.isForced() ? "before the stop was forced" : "within " + HumanDuration.format(grace));
            }
        }
        for (RunningListener listener : listeners) {
            listener.engine().ifPresent(engine -> awaitConnectionsClosed(engine, deadline, control));
        }
        for (RunningListener listener : listeners) {
            listener.server().ifPresent(NetbiosServer::close);
        }
        return new ShutdownReport(closing.size() - aborted, aborted, Duration.ofNanos(System.nanoTime() - start), control.isForced());
    }

    /** {@code waiting up to 10s for 1 session and 1 connection (LAST_ACK); Ctrl-C again to force}. */
    static String waitingLine(Duration grace, int sessions, Map<TcpState, Long> engineConnections) {
        List<String> what = new ArrayList<>();
        if (sessions > 0) {
            what.add(Plural.count(sessions, "session"));
        }
        long connections = engineConnections.values().stream().mapToLong(Long::longValue).sum();
        if (connections > 0) {
            what.add(Plural.count(connections, "connection") + " (" + engineConnections.entrySet().stream()
                    .map(e -> (connections == 1 ? "" : e.getValue() + " ") + e.getKey().netstatName())
                    .collect(Collectors.joining(", ")) + ")");
        }
        return "stopping: waiting up to " + HumanDuration.format(grace) + " for " + String.join(" and ", what) + "; Ctrl-C again to force";
    }

    /** The engine connections a stop may wait for, by state: all but listeners and TIME_WAIT (which ends by itself). */
    private static Map<TcpState, Long> openEngineConnections(List<RunningListener> listeners) {
        Map<TcpState, Long> states = new TreeMap<>();
        for (RunningListener listener : listeners) {
            listener.engine().ifPresent(engine -> {
                try {
                    for (ConnectionInfo c : engine.netstat().toCompletableFuture().get(1, TimeUnit.SECONDS)) {
                        if (c.state() != TcpState.LISTEN && c.state() != TcpState.TIME_WAIT && c.state() != TcpState.CLOSED) {
                            states.merge(c.state(), 1L, Long::sum);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | TimeoutException e) {
                    log.debug("could not read the engine's connections while stopping", e);
                }
            });
        }
        return states;
    }

    private static void stopAccepting(ServerChannel channel) {
        channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
    }

    private static List<Mono<Void>> closeSessions(NetbiosServer server) {
        List<Mono<Void>> closing = new ArrayList<>();
        for (SessionStatus status : server.sessions()) {
            server.session(status.id()).ifPresent(session -> {
                closing.add(session.onClose());
                session.close();
            });
        }
        return closing;
    }

    /** On the engine our FINs must be acknowledged before its event loops stop; the kernel does this by itself. */
    private static void awaitConnectionsClosed(EngineIntrospection engine, long deadline, StopControl control) {
        while (System.nanoTime() < deadline && !control.isForced()) {
            try {
                List<ConnectionInfo> rows = engine.netstat().toCompletableFuture().get(remaining(deadline).toMillis(), TimeUnit.MILLISECONDS);
                if (rows.stream().noneMatch(c -> CLOSING_STATES.contains(c.state()))) {
                    return;
                }
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                log.warn("could not read the engine's connections while stopping: {}", e.toString());
                return;
            }
        }
        if (!control.isForced()) {
            log.warn("the engine still has connections closing after the grace period; stopping anyway");
        }
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(1_000_000L, deadline - System.nanoTime()));
    }
}
