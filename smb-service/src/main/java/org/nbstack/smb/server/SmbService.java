package org.nbstack.smb.server;

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
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.nbstack.netbios.session.SessionHandler;
import org.nbstack.smb.share.Share;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

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
    private final Scheduler ioScheduler = Schedulers.fromExecutorService(ioThreads, "smb-io");

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
        meters.gauge("smb.locks", locks, ByteRangeLocks::size);
    }

    /** Serves SMB2 on each session: the messages are SMB2 (or an SMB1 NEGOTIATE moving to SMB2), one per SESSION MESSAGE. */
    public SessionHandler handler() {
        return session -> {
            SmbConnection connection = new SmbConnection(this, peer(session.remoteAddress()));
            metrics.connections.incrementAndGet();
            String[] reason = {"client closed the session"};
            return session.inbound()
                    .concatMap(message -> handle(connection, message), 1)
                    // a response made while the session was being torn down (a write stall) is dropped, not leaked
                    .doOnDiscard(ByteBuf.class, SmbService::releaseDropped)
                    .onErrorResume(SmbConnection.ConnectionFault.class, fault -> {
                        reason[0] = "protocol violation: " + fault.getMessage();
                        metrics.dropped("protocol");
                        return Flux.empty();
                    })
                    .doFinally(signal -> {
                        connection.close(signal == SignalType.CANCEL && reason[0].startsWith("client")
                                ? "the session ended (write stall, queue overflow or shutdown)" : reason[0]);
                        metrics.connections.decrementAndGet();
                    });
        };
    }

    private static void releaseDropped(ByteBuf dropped) {
        if (dropped.refCnt() > 0) {
            dropped.release();
        }
    }

    /** {@code 10.0.0.1:49152} as operators write it, not InetSocketAddress's {@code /10.0.0.1:49152}. */
    static String peer(SocketAddress address) {
        return address instanceof InetSocketAddress inet && !inet.isUnresolved() ? inet.getAddress().getHostAddress() + ":" + inet.getPort()
                : String.valueOf(address);
    }

    /** One request message, processed on a virtual thread once an I/O slot is free; the message is released whatever happens. */
    private Mono<ByteBuf> handle(SmbConnection connection, ByteBuf message) {
        AtomicBoolean taken = new AtomicBoolean();
        AtomicBoolean cancelled = new AtomicBoolean();
        return Mono.fromCallable(() -> {
            if (!taken.compareAndSet(false, true)) {
                return null;
            }
            metrics.ioWaiting.incrementAndGet();
            try {
                ioSlots.acquire();
            } catch (InterruptedException e) {
                message.release();
                Thread.currentThread().interrupt();
                return null;
            } finally {
                metrics.ioWaiting.decrementAndGet();
            }
            ByteBuf reply;
            try {
                reply = connection.process(message);
            } finally {
                ioSlots.release();
            }
            if (cancelled.get() && reply != null) {
                reply.release(); // the session ended while the request ran (a write stall): nobody will send it
                return null;
            }
            return reply;
        }).subscribeOn(ioScheduler).doOnCancel(() -> {
            cancelled.set(true);
            if (taken.compareAndSet(false, true)) {
                message.release();
            }
        });
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
        ioScheduler.dispose();
        ioThreads.shutdownNow();
        LOG.debug("SMB service stopped");
    }
}
