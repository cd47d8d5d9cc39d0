package org.nbstack.smb.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.nbstack.smb.protocol.NtStatus;
import org.nbstack.smb.protocol.Smb2Command;

/** The file service's meters: requests by command and status, latency by command, bytes, opens, sessions, connections. */
public final class SmbMetrics {

    private final MeterRegistry registry;
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger sessions = new AtomicInteger();
    final AtomicInteger opens = new AtomicInteger();
    final AtomicInteger ioWaiting = new AtomicInteger();
    private final Counter bytesRead;
    private final Counter bytesWritten;

    public SmbMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("smb.connections", connections, AtomicInteger::get).description("SMB connections open").register(registry);
        Gauge.builder("smb.sessions", sessions, AtomicInteger::get).description("SMB sessions set up").register(registry);
        Gauge.builder("smb.opens", opens, AtomicInteger::get).description("files and directories open").register(registry);
        Gauge.builder("smb.io.waiting", ioWaiting, AtomicInteger::get).description("requests waiting for an I/O slot").register(registry);
        bytesRead = Counter.builder("smb.bytes.read").baseUnit("bytes").description("octets sent to clients by READ").register(registry);
        bytesWritten = Counter.builder("smb.bytes.written").baseUnit("bytes").description("octets taken from clients by WRITE")
                .register(registry);
    }

    void request(int command, int status, long nanos) {
        String name = Smb2Command.name(command);
        Counter.builder("smb.requests").tags("command", name, "status", NtStatus.hex(status))
                .description("SMB2 requests answered, by command and NTSTATUS").register(registry).increment();
        Timer.builder("smb.request.latency").tag("command", name).description("time from a request taken to its response made")
                .publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofSeconds(30)).register(registry).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    void read(long bytes) {
        bytesRead.increment(bytes);
    }

    void written(long bytes) {
        bytesWritten.increment(bytes);
    }

    void dropped(String reason) {
        Counter.builder("smb.connections.ended").tag("reason", reason).description("SMB connections the server ended, by reason")
                .register(registry).increment();
    }

    /** A request refused unexecuted for its protection (MS-SMB2 3.3.5.2.4): {@code unsigned}, {@code bad-signature},
     * {@code unencrypted}, {@code bad-encryption}. */
    void refused(String reason) {
        Counter.builder("smb.requests.refused").tag("reason", reason)
                .description("SMB2 requests refused unexecuted because their signing or encryption was missing or wrong")
                .register(registry).increment();
    }
}
