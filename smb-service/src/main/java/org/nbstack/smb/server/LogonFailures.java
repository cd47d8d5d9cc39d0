package org.nbstack.smb.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nbstack.spi.log.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failed logons by source address: each counted in {@code smb.logon.failures{reason}}, logged with its source at most
 * once per interval per source, and a source with {@code maxFailures} failures inside one {@code window} refused every
 * logon until the window ends ({@code smb.logon.refused}). The table holds at most {@code maxSources} addresses
 * ({@code smb.logon.sources}); when full the source seen least recently is forgotten. Never logs a password or hash:
 * only the address, the user name and the reason.
 */
final class LogonFailures {

    private static final Logger LOG = LoggerFactory.getLogger(LogonFailures.class);
    static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

    private final MeterRegistry registry;
    private final int maxFailures;
    private final long windowNanos;
    private final int maxSources;
    private final Counter refused;
    private final Map<String, Source> sources;

    private static final class Source {
        final RateLimitedLog log = new RateLimitedLog(LOG, LOG_INTERVAL);
        long windowStart;
        int failures;
    }

    LogonFailures(MeterRegistry registry, int maxFailures, Duration window, int maxSources) {
        this.registry = registry;
        this.maxFailures = maxFailures;
        this.windowNanos = window.toNanos();
        this.maxSources = maxSources;
        this.sources = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Source> eldest) {
                return size() > LogonFailures.this.maxSources;
            }
        };
        refused = Counter.builder("smb.logon.refused").description("logons refused because their source failed too often")
                .register(registry);
        Gauge.builder("smb.logon.sources", this, LogonFailures::size).description("source addresses with recent failed logons")
                .register(registry);
    }

    /** Whether {@code address} may try to log on now; counts a refusal when not. */
    synchronized boolean allowed(String address, long nowNanos) {
        Source source = sources.get(address);
        if (source == null || source.failures < maxFailures || nowNanos - source.windowStart >= windowNanos) {
            return true;
        }
        refused.increment();
        source.log.warn(nowNanos, "SMB logons from {} refused for up to {}s: {} failed logons", address, windowNanos / 1_000_000_000L,
                source.failures);
        return false;
    }

    /** Counts and logs one failed logon of {@code user} from {@code address}. */
    synchronized void failed(String address, String user, String reason, long nowNanos) {
        Counter.builder("smb.logon.failures").tag("reason", reason).description("failed SMB logons, by reason").register(registry)
                .increment();
        Source source = sources.computeIfAbsent(address, a -> new Source());
        if (source.failures == 0 || nowNanos - source.windowStart >= windowNanos) {
            source.windowStart = nowNanos;
            source.failures = 0;
        }
        source.failures++;
        source.log.warn(nowNanos, "SMB logon failed from {}: user '{}', {}", address, printable(user), reason);
    }

    synchronized int size() {
        return sources.size();
    }

    /** The user name as a client sent it, without control characters that could forge log lines, and bounded. */
    private static String printable(String user) {
        String shown = user.length() > 64 ? user.substring(0, 64) + "..." : user;
        return shown.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }
}
