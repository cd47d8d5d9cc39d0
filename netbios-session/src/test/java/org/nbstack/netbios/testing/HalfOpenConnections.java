package org.nbstack.netbios.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A flood of TCP connections that never complete a SESSION REQUEST: a third send nothing, a third two octets of
 * the packet header, a third the whole header and ten octets of the request's 68. One thread of its own opens
 * them without blocking, a batch every millisecond over a given time, and watches each for the server's close
 * (EOF or reset), noting when it came. Only for addresses on this machine.
 */
public final class HalfOpenConnections implements HalfOpenFlood {

    /** What a connection sends before it falls silent. */
    public enum Kind {
        SILENT(new byte[0]),
        PARTIAL_HEADER(new byte[] {(byte) 0x81, 0}),
        PARTIAL_REQUEST(new byte[] {(byte) 0x81, 0, 0, 68, 32, 'E', 'N', 'E', 'F', 'E', 'B', 'E', 'C', 'E'});

        private final byte[] sends;

        Kind(byte[] sends) {
            this.sends = sends;
        }

        /** The kind of the {@code index}-th connection: the three in turn. */
        static Kind of(int index) {
            return values()[index % values().length];
        }

        byte[] sends() {
            return sends.clone();
        }
    }

    /**
     * One connection's fate (nanoTime scale). {@code closedNanos} is 0 while it is open; {@code how} says how it
     * ended: {@code eof}, {@code reset}, or what went wrong ({@code connect failed: ...}, {@code answered: ...}).
     */
    public record Outcome(Kind kind, long connectStartNanos, long connectedNanos, long closedNanos, String how) {

        public boolean closedByServer() {
            return how.equals("eof") || how.equals("reset");
        }
    }

    private final InetSocketAddress server;
    private final int count;
    private final Duration openingTime;
    private final AtomicReferenceArray<Outcome> outcomes;
    private final CountDownLatch ended;
    private final Selector selector;
    private final List<SocketChannel> channels = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    private HalfOpenConnections(InetSocketAddress server, int count, Duration openingTime) throws IOException {
        if (!server.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("floods are for this machine's loopback only, not " + server);
        }
        this.server = server;
        this.count = count;
        this.openingTime = openingTime;
        this.outcomes = new AtomicReferenceArray<>(count);
        this.ended = new CountDownLatch(count);
        this.selector = Selector.open();
        this.thread = Thread.ofPlatform().daemon().name("half-open-flood").start(this::run);
    }

    /** Starts connecting {@code count} connections to {@code server} (a loopback address), spread evenly over {@code openingTime}. */
    public static HalfOpenConnections open(InetSocketAddress server, int count, Duration openingTime) throws IOException {
        return new HalfOpenConnections(server, count, openingTime);
    }

    @Override
    public boolean awaitAllEnded(Duration within) throws InterruptedException {
        return ended.await(within.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** How many have ended so far. */
    public int endedCount() {
        return (int) (count - ended.getCount());
    }

    @Override
    public List<Outcome> outcomes() {
        List<Outcome> all = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            all.add(outcomes.get(i));
        }
        return all;
    }

    private void run() {
        try {
            long start = System.nanoTime();
            int opened = 0;
            ByteBuffer sink = ByteBuffer.allocate(256);
            while (running && ended.getCount() > 0) {
                // How many should be open by now, so that the last opens when the opening time is over.
                long due = openingTime.isZero() ? count
                        : Math.min(count, (System.nanoTime() - start) * count / openingTime.toNanos() + 1);
                for (; opened < due; opened++) {
                    connect(opened);
                }
                selector.select(opened < count ? 1 : 10);
                for (SelectionKey key : selector.selectedKeys()) {
                    onReady(key, sink);
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            for (int i = 0; i < count; i++) {
                Outcome outcome = outcomes.get(i);
                if (outcome != null && outcome.closedNanos() == 0) {
                    end(i, outcome, "flood thread failed: " + e);
                }
            }
        }
    }

    private void connect(int index) throws IOException {
        Kind kind = Kind.of(index);
        SocketChannel channel = SocketChannel.open();
        channels.add(channel);
        channel.configureBlocking(false);
        long start = System.nanoTime();
        outcomes.set(index, new Outcome(kind, start, 0, 0, "connecting"));
        try {
            if (channel.connect(server)) {
                connected(index, channel);
            } else {
                channel.register(selector, SelectionKey.OP_CONNECT, index);
            }
        } catch (IOException e) {
            end(index, outcomes.get(index), "connect failed: " + e);
        }
    }

    private void connected(int index, SocketChannel channel) throws IOException {
        Outcome connecting = outcomes.get(index);
        outcomes.set(index, new Outcome(connecting.kind(), connecting.connectStartNanos(), System.nanoTime(), 0, "open"));
        channel.write(ByteBuffer.wrap(connecting.kind().sends)); // a few octets: always fit the send buffer
        SelectionKey key = channel.keyFor(selector);
        if (key == null) {
            channel.register(selector, SelectionKey.OP_READ, index);
        } else {
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    private void onReady(SelectionKey key, ByteBuffer sink) {
        int index = (Integer) key.attachment();
        SocketChannel channel = (SocketChannel) key.channel();
        Outcome outcome = outcomes.get(index);
        try {
            if (key.isConnectable()) {
                channel.finishConnect();
                connected(index, channel);
                return;
            }
            sink.clear();
            int read = channel.read(sink);
            if (read < 0) {
                key.cancel();
                end(index, outcome, "eof");
            } else if (read > 0) {
                key.cancel();
                end(index, outcome, "answered: " + Arrays.toString(Arrays.copyOf(sink.array(), read)));
            }
        } catch (IOException e) {
            key.cancel();
            end(index, outcome, outcome.connectedNanos() == 0 ? "connect failed: " + e : "reset");
        }
    }

    private void end(int index, Outcome outcome, String how) {
        outcomes.set(index, new Outcome(outcome.kind(), outcome.connectStartNanos(), outcome.connectedNanos(), System.nanoTime(), how));
        ended.countDown();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        running = false;
        selector.wakeup();
        thread.join(TimeUnit.SECONDS.toMillis(5));
        for (SocketChannel channel : channels) {
            channel.close();
        }
        selector.close();
    }
}
