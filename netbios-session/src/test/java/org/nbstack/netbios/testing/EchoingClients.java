package org.nbstack.netbios.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.nbstack.netbios.name.NetbiosName;

/**
 * Well-behaved sessions under a steady load: each client sends one 16-octet message per period to an echo
 * service and waits for its echo, on a virtual thread of its own, recording every round trip. A failure
 * elsewhere on the server must leave their errors empty and their round trips where they were.
 */
public final class EchoingClients implements AutoCloseable {

    /** One echo: when it was sent and how long it took to come back (nanoTime scale). */
    public record RoundTrip(long sentNanos, long nanos) {
    }

    private final List<RawNbssClient> clients = new CopyOnWriteArrayList<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final AtomicReference<ConcurrentLinkedQueue<RoundTrip>> recording = new AtomicReference<>(new ConcurrentLinkedQueue<>());
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Duration period;
    private volatile boolean running = true;

    private EchoingClients(Duration period) {
        this.period = period;
    }

    /** Establishes {@code count} sessions to {@code called} (callers {@code ECHO0}, {@code ECHO1}, ...) and starts their load. */
    public static EchoingClients start(InetSocketAddress server, NetbiosName called, int count, Duration period) throws IOException {
        return start(TestNetwork.kernel("nio"), server, called, count, period);
    }

    /** As {@link #start(InetSocketAddress, NetbiosName, int, Duration)}, with clients of {@code network}. */
    public static EchoingClients start(TestNetwork network, InetSocketAddress server, NetbiosName called, int count, Duration period)
            throws IOException {
        EchoingClients load = new EchoingClients(period);
        for (int i = 0; i < count; i++) {
            RawNbssClient client = network.connect(server);
            load.clients.add(client);
            assertThat(client.requestSession(called, NetbiosName.of("ECHO" + i, 0))).as("POSITIVE SESSION RESPONSE").isEqualTo(0x82);
            load.threads.submit(() -> load.echoLoop(client));
        }
        return load;
    }

    /** The round trips recorded since the last call, and a fresh recording from now on. */
    public List<RoundTrip> takeRoundTrips() {
        return new ArrayList<>(recording.getAndSet(new ConcurrentLinkedQueue<>()));
    }

    public List<String> errors() {
        return List.copyOf(errors);
    }

    /** The {@code p} quantile (0..1) of the round trips, in nanoseconds; 0 for none. */
    public static long percentile(List<RoundTrip> roundTrips, double p) {
        if (roundTrips.isEmpty()) {
            return 0;
        }
        long[] sorted = roundTrips.stream().mapToLong(RoundTrip::nanos).toArray();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.clamp(rank - 1, 0, sorted.length - 1)];
    }

    private void echoLoop(RawNbssClient client) {
        long periodNanos = period.toNanos();
        long next = System.nanoTime() + ThreadLocalRandom.current().nextLong(periodNanos); // spread the clients over a period
        try {
            for (long seq = 1; running; seq++) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                next += periodNanos;
                long sent = System.nanoTime();
                client.sendMessage(ByteBuffer.allocate(16).putLong(seq).putLong(sent).array());
                RawNbssClient.Frame echo = client.readSkippingKeepAlives();
                if (echo.type() != 0 || echo.body().length != 16 || ByteBuffer.wrap(echo.body()).getLong() != seq) {
                    throw new IOException("expected the echo of message " + seq + ", got a packet of type " + echo.type());
                }
                recording.get().add(new RoundTrip(sent, System.nanoTime() - sent));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            if (running) {
                errors.add(e.toString());
            }
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        running = false;
        threads.shutdownNow();
        threads.awaitTermination(10, TimeUnit.SECONDS);
        for (RawNbssClient client : clients) {
            client.close();
        }
    }
}
