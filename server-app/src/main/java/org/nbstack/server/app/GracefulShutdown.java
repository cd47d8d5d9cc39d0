package org.nbstack.server.app;

import io.netty.channel.ServerChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.nbstack.netbios.server.NetbiosServer;
import org.nbstack.netbios.session.SessionStatus;
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
        long start = System.nanoTime();
        long deadline = start + grace.toNanos();
        for (RunningListener listener : listeners) {
            listener.transport().ifPresent(t -> t.serverChannels().forEach(GracefulShutdown::stopAccepting));
        }
        List<Mono<Void>> closing = new ArrayList<>();
        for (RunningListener listener : listeners) {
            listener.server().ifPresent(server -> closing.addAll(closeSessions(server)));
        }
        int aborted = 0;
        try {
            Mono.when(closing).block(remaining(deadline));
        } catch (IllegalStateException timeout) {
            for (RunningListener listener : listeners) {
                aborted += listener.server().map(s -> s.sessions().size()).orElse(0);
            }
            log.warn("{} session(s) did not close within {}; aborting them", aborted, grace);
        }
        for (RunningListener listener : listeners) {
            listener.engine().ifPresent(engine -> awaitConnectionsClosed(engine, deadline));
        }
        for (RunningListener listener : listeners) {
            listener.server().ifPresent(NetbiosServer::close);
        }
        return new ShutdownReport(closing.size() - aborted, aborted, Duration.ofNanos(System.nanoTime() - start));
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
    private static void awaitConnectionsClosed(EngineIntrospection engine, long deadline) {
        while (System.nanoTime() < deadline) {
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
        log.warn("the engine still has connections closing after the grace period; stopping anyway");
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(1_000_000L, deadline - System.nanoTime()));
    }
}
