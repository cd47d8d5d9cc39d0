package org.nbstack.smb.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.nbstack.netbios.session.SessionHandler;
import org.nbstack.smb.share.Share;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.SignalType;

/**
 * The SMB2 file service: its shares, the state shared by every connection (server GUID, byte-range locks, meters)
 * and the {@link SessionHandler} that serves SMB2 on each NetBIOS session.
 *
 * <p>Isolation (seed 004): each connection handles one request message at a time, on a virtual thread, never on an
 * event loop; at most {@link SmbSettings#ioConcurrency()} run at once across all connections. A connection's next
 * request is taken only once its previous response is queued on its own session, so a client that does not read its
 * responses stops only itself (its session's bounded outbound queue fills, then reading stops); the session layer's
 * write-stall timeout ends it, and its opens and locks are then released.
 */
public final class SmbService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SmbService.class);

    private final SmbSettings settings;
    private final Map<String, Share> shares = new LinkedHashMap<>();
    private final byte[] serverGuid = new byte[16];
    private final long volatileSalt;
    private final ByteRangeLocks locks;
    private final SmbMetrics metrics;
    private final Semaphore ioSlots;
    private final ExecutorService ioThreads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("smb-io-", 0).factory());

    public SmbService(SmbSettings settings, MeterRegistry meters) {
        this.settings = settings;
        for (Share share : settings.shares()) {
            if (shares.putIfAbsent(share.key(), share) != null) {
                throw new IllegalArgumentException("two shares are called '" + share.name() + "' (share names ignore case)");
            }
        }
        SecureRandom random = new SecureRandom();
        random.nextBytes(serverGuid);
        volatileSalt = random.nextLong();
        locks = new ByteRangeLocks(settings.maxLocksPerOpen());
        metrics = new SmbMetrics(meters);
        ioSlots = new Semaphore(settings.ioConcurrency());
        Gauge.builder("smb.locks", locks, ByteRangeLocks::size).description("byte-range locks held on all open files").register(meters);
    }

    /** Serves SMB2 on each session: the messages are SMB2 (or an SMB1 NEGOTIATE moving to SMB2), one per SESSION MESSAGE. */
    public SessionHandler handler() {
        return session -> {
            SmbConnection connection = new SmbConnection(this, peer(session.remoteAddress()));
            session.describeWith(connection::view);
            metrics.connections.incrementAndGet();
            String[] reason = {"client closed the session"};
            return session.inbound()
                    .concatMap(message -> handle(connection, message), 1)
                    .onErrorResume(SmbConnection.ConnectionFault.class, fault -> {
                        reason[0] = "protocol violation: " + fault.getMessage();
                        metrics.dropped("protocol");
                        return Flux.empty();
                    })
                    .doFinally(signal -> {
                        connection.close(signal == SignalType.CANCEL && reason[0].startsWith("client")
                                ? "the session ended (write stall, queue overflow or shutdown)" : reason[0]);
                        metrics.connections.decrementAndGet();
                    })
                    // A session torn down mid-request (a client that stopped reading, one that vanished) cancels this
                    // stream: the response still being computed and a request waiting in concatMap are discarded, and
                    // Reactor does not release what it discards.
                    .doOnDiscard(ByteBuf.class, SmbService::releaseDiscarded);
        };
    }

    private static void releaseDiscarded(ByteBuf discarded) {
        if (discarded.refCnt() > 0) {
            discarded.release();
        }
    }

    /** {@code 10.0.0.1:49152} as operators write it, not InetSocketAddress's {@code /10.0.0.1:49152}. */
    static String peer(SocketAddress address) {
        return address instanceof InetSocketAddress inet && !inet.isUnresolved() ? inet.getAddress().getHostAddress() + ":" + inet.getPort()
                : String.valueOf(address);
    }

    /**
     * One request message, processed on a virtual thread once an I/O slot is free; the message is released whatever
     * happens. Built with {@code Mono.create}: a response finished after the session was torn down is then discarded
     * (and released by the handler's discard hook), where {@code fromCallable().subscribeOn()} drops it unreleased.
     */
    private Mono<ByteBuf> handle(SmbConnection connection, ByteBuf message) {
        AtomicBoolean taken = new AtomicBoolean();
        return Mono.create(sink -> {
            sink.onCancel(() -> {
                if (taken.compareAndSet(false, true)) {
                    message.release();
                }
            });
            try {
                ioThreads.execute(() -> process(connection, message, taken, sink));
            } catch (RejectedExecutionException stopped) {
                if (taken.compareAndSet(false, true)) {
                    message.release();
                }
                sink.error(stopped);
            }
        });
    }

    private void process(SmbConnection connection, ByteBuf message, AtomicBoolean taken, MonoSink<ByteBuf> sink) {
        if (!taken.compareAndSet(false, true)) {
            sink.success();
            return;
        }
        metrics.ioWaiting.incrementAndGet();
        try {
            ioSlots.acquire();
        } catch (InterruptedException e) {
            message.release();
            Thread.currentThread().interrupt();
            sink.success();
            return;
        } finally {
            metrics.ioWaiting.decrementAndGet();
        }
        try {
            sink.success(connection.process(message));
        } catch (RuntimeException e) {
            sink.error(e);
        } finally {
            ioSlots.release();
        }
    }

    public SmbSettings settings() {
        return settings;
    }

    SmbMetrics metrics() {
        return metrics;
    }

    ByteRangeLocks locks() {
        return locks;
    }

    byte[] serverGuid() {
        return serverGuid.clone();
    }

    long volatileSalt() {
        return volatileSalt;
    }

    Share share(String name) {
        return shares.get(name.toLowerCase(Locale.ROOT));
    }

    @Override
    public void close() {
        ioThreads.shutdownNow();
        LOG.debug("SMB service stopped");
    }
}
