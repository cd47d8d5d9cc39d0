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
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.nbstack.netbios.session.SessionHandler;
import org.nbstack.smb.auth.Accounts;
import org.nbstack.smb.share.Share;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMB2 file service: its shares, the state shared by every connection (server GUID, byte-range locks, meters)
 * and the {@link SessionHandler} that serves SMB2 on each NetBIOS session.
 *
 * <p>Isolation (seed 004): each connection handles one request message at a time, on a virtual thread, never on an
 * event loop; at most {@link SmbSettings#ioConcurrency()} run at once across all connections. A connection's next
 * request is taken only once its previous response is handed to its own session or waits for it ({@link ConnectionPump}),
 * so a client that does not read its responses stops only itself (its session's bounded outbound queue fills, then reading stops); the session layer's
 * write-stall timeout ends it, and its opens and locks are then released.
 */
public final class SmbService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SmbService.class);
    /** A source address with this many failed logons within the window gets every logon refused until the window ends. */
    static final int MAX_LOGON_FAILURES = 10;
    static final java.time.Duration LOGON_FAILURE_WINDOW = java.time.Duration.ofMinutes(1);
    static final int MAX_FAILING_SOURCES = 4096;

    private final SmbSettings settings;
    private final Map<String, Share> shares = new LinkedHashMap<>();
    private final byte[] serverGuid = new byte[16];
    private final long volatileSalt;
    private final ByteRangeLocks locks;
    private final SmbMetrics metrics;
    private final Semaphore ioSlots;
    private final ExecutorService ioThreads;
    private final Accounts accounts;
    private final LogonFailures logonFailures;
    private final RefusedRequests refusedRequests;
    private final SecureRandom random = new SecureRandom();

    /** Without accounts: only anonymous and guest logons. */
    public SmbService(SmbSettings settings, MeterRegistry meters) {
        this(settings, meters, Accounts.NONE);
    }

    /** Users log on with NTLMv2 against {@code accounts}. */
    public SmbService(SmbSettings settings, MeterRegistry meters, Accounts accounts) {
        this(settings, meters, accounts, Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("smb-io-", 0).factory()));
    }

    /** With the threads that run requests and close connections given: tests hold a request in the middle with them. */
    SmbService(SmbSettings settings, MeterRegistry meters, ExecutorService ioThreads) {
        this(settings, meters, Accounts.NONE, ioThreads);
    }

    SmbService(SmbSettings settings, MeterRegistry meters, Accounts accounts, ExecutorService ioThreads) {
        this.settings = settings;
        this.accounts = accounts;
        this.ioThreads = ioThreads;
        for (Share share : settings.shares()) {
            if (shares.putIfAbsent(share.key(), share) != null) {
                throw new IllegalArgumentException("two shares are called '" + share.name() + "' (share names ignore case)");
            }
        }
        random.nextBytes(serverGuid);
        volatileSalt = random.nextLong();
        locks = new ByteRangeLocks(settings.maxLocksPerOpen());
        metrics = new SmbMetrics(meters);
        logonFailures = new LogonFailures(meters, MAX_LOGON_FAILURES, LOGON_FAILURE_WINDOW, MAX_FAILING_SOURCES);
        ioSlots = new Semaphore(settings.ioConcurrency());
        refusedRequests = new RefusedRequests(metrics, 10, java.util.concurrent.TimeUnit.SECONDS);
        Gauge.builder("smb.locks", locks, ByteRangeLocks::size).description("byte-range locks held on all open files").register(meters);
    }

    /** Serves SMB2 on each session: the messages are SMB2 (or an SMB1 NEGOTIATE moving to SMB2), one per SESSION MESSAGE. */
    public SessionHandler handler() {
        return session -> {
            SmbConnection connection = new SmbConnection(this, peer(session.remoteAddress()));
            session.describeWith(connection::view);
            metrics.connections.incrementAndGet();
            return new ConnectionPump(this, connection, session.inbound());
        };
    }

    /** Ends a connection whose session has ended: its opens (and so their locks), trees and sessions are released. */
    void closeConnection(SmbConnection connection, String reason) {
        connection.close(reason);
        metrics.connections.decrementAndGet();
    }

    /** {@code 10.0.0.1:49152} as operators write it, not InetSocketAddress's {@code /10.0.0.1:49152}. */
    static String peer(SocketAddress address) {
        return address instanceof InetSocketAddress inet && !inet.isUnresolved() ? inet.getAddress().getHostAddress() + ":" + inet.getPort()
                : String.valueOf(address);
    }

    /**
     * The reply to one request message, processed once an I/O slot is free (on an I/O thread, never an event loop);
     * null when nothing is to be sent. The message is released whatever happens.
     */
    ByteBuf processInSlot(SmbConnection connection, ByteBuf message) {
        metrics.ioWaiting.incrementAndGet();
        try {
            ioSlots.acquire();
        } catch (InterruptedException stopping) {
            message.release();
            Thread.currentThread().interrupt();
            return null;
        } finally {
            metrics.ioWaiting.decrementAndGet();
        }
        try {
            return connection.process(message);
        } finally {
            ioSlots.release();
        }
    }

    Executor ioThreads() {
        return ioThreads;
    }

    public SmbSettings settings() {
        return settings;
    }

    SmbMetrics metrics() {
        return metrics;
    }

    Accounts accounts() {
        return accounts;
    }

    /** Whether the client at {@code peer} (address:port) may try a logon now, or failed too often lately. */
    boolean logonAllowed(String peer) {
        return logonFailures.allowed(source(peer), System.nanoTime());
    }

    void logonFailed(String peer, String user, String reason) {
        logonFailures.failed(source(peer), user, reason, System.nanoTime());
    }

    /** The address part of {@code address:port}. */
    static String source(String peer) {
        int colon = peer.lastIndexOf(':');
        return colon > 0 ? peer.substring(0, colon) : peer;
    }

    SecureRandom random() {
        return random;
    }

    RefusedRequests refusedRequests() {
        return refusedRequests;
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
