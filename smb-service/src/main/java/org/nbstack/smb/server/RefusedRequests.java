package org.nbstack.smb.server;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.nbstack.smb.protocol.Smb2Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests refused for their protection (unsigned, bad signature, unencrypted, not decrypting): each is counted in {@code smb.requests.refused{reason}};
 * at most one WARN line per interval names the source, the others are summed into the next line, so a client sending
 * forged requests in a loop cannot flood the log. Keeps no table per source.
 */
final class RefusedRequests {

    private static final Logger LOG = LoggerFactory.getLogger(RefusedRequests.class);

    private final SmbMetrics metrics;
    private final long intervalNanos;
    private final AtomicLong nextLine = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong unlogged = new AtomicLong();

    RefusedRequests(SmbMetrics metrics, long interval, TimeUnit unit) {
        this.metrics = metrics;
        this.intervalNanos = unit.toNanos(interval);
    }

    void refused(String peer, long sessionId, int command, String reason, long now) {
        metrics.refused(reason);
        long next = nextLine.get();
        if ((next != Long.MIN_VALUE && now - next < 0) || !nextLine.compareAndSet(next, now + intervalNanos)) {
            unlogged.incrementAndGet();
            return;
        }
        long others = unlogged.getAndSet(0);
        LOG.warn("SMB {} from {} on session {} refused: {}{}", Smb2Command.name(command), peer, sessionId, reason,
                others == 0 ? "" : " (" + others + " more refused requests not logged)");
    }
}
