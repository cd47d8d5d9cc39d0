package org.nbstack.server.cli;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nbstack.config.ListenerConfig;
import org.nbstack.config.LoggingSettings;
import org.nbstack.config.NbstackConfig;
import org.nbstack.server.admin.HumanDuration;
import org.nbstack.netbios.client.NetbiosClient;
import org.nbstack.netbios.client.NetbiosClientSettings;
import org.nbstack.netbios.client.NetbiosSessionException;
import org.nbstack.netbios.name.NetbiosName;
import org.nbstack.netbios.session.NetbiosSession;
import org.nbstack.server.logging.LoggingSetup;
import org.nbstack.spi.Transport;
import org.nbstack.spi.TransportOptions;
import org.nbstack.spi.TransportUnavailableException;
import org.nbstack.spi.Transports;
import org.nbstack.tcp.netty.Engine;
import org.nbstack.tcp.netty.EngineTransport;
import org.nbstack.tcp.stack.ConnectionInfo;
import org.reactivestreams.Subscription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.SignalType;

/**
 * {@code nbstack ping NAME}: sets up a NetBIOS session to NAME, sends {@code --count} messages one at a time and
 * times each echo. Exit 0 when every echo came back intact, 1 otherwise.
 */
@Command(name = "ping", mixinStandardHelpOptions = true,
        description = "Set up a NetBIOS session to NAME (e.g. ECHO, ECHO<20>, *SMBSERVER) and time echo round trips.")
final class PingCommand implements Callable<Integer> {

    static final String CLIENT_ENGINE_ADDRESS = "10.139.0.2";
    static final String CLIENT_ENGINE_LINK = "udp://127.0.0.1:11391?peer.10.139.0.1=127.0.0.1:11390";
    private static final Pattern NAME_WITH_SUFFIX = Pattern.compile("(.{1,15})<([0-9A-Fa-f]{2})>");

    private final Cli cli;

    @Mixin
    ConfigOptions config;

    @Parameters(index = "0", paramLabel = "NAME", description = "the called NetBIOS name; suffix <20> unless given")
    String name;

    @Option(names = "--transport", description = "nio, epoll or engine (default: the first kernel listener's transport in the configuration)")
    String transport;

    @Option(names = "--address", paramLabel = "HOST:PORT", description = "the server (default: that listener's address)")
    String address;

    @Option(names = {"-c", "--count"}, description = "echo round trips (default ${DEFAULT-VALUE})", defaultValue = "5")
    int count;

    @Option(names = {"-s", "--size"}, description = "octets per message, 1..131071 (default ${DEFAULT-VALUE})", defaultValue = "64")
    int size;

    @Option(names = {"-i", "--interval"}, description = "pause between round trips (default ${DEFAULT-VALUE})", defaultValue = "200ms",
            converter = DurationConverter.class)
    Duration interval;

    @Option(names = {"-W", "--timeout"}, description = "wait this long for the session and for each echo (default ${DEFAULT-VALUE})",
            defaultValue = "5s", converter = DurationConverter.class)
    Duration timeout;

    @Option(names = "--calling", description = "the calling name (default ${DEFAULT-VALUE})", defaultValue = "NBSTACK-PING")
    String calling;

    @Option(names = "--engine-address", description = "engine transport only: the client engine's own IPv4 address (default "
            + CLIENT_ENGINE_ADDRESS + ")")
    String engineAddress = CLIENT_ENGINE_ADDRESS;

    @Option(names = "--link", description = "engine transport only: the client engine's link (default " + CLIENT_ENGINE_LINK + ")")
    String link = CLIENT_ENGINE_LINK;

    PingCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws InterruptedException {
        NbstackConfig loaded = config.load(cli.environment()).config();
        LoggingSetup.apply(new LoggingSettings(loaded.logging().format(), "WARN", Map.of()));
        if (count < 1 || count > 1_000_000 || size < 1 || size > 131_071) {
            cli.err().println("nbstack ping: --count must be 1..1000000 and --size 1..131071");
            return Main.USAGE;
        }
        NetbiosName called;
        InetSocketAddress server;
        Transport chosen;
        try {
            called = parseName(name);
            Optional<ListenerConfig> listener = defaultListener(loaded, transport);
            String transportName = transport != null ? transport : listener.map(ListenerConfig::transport).orElse("nio");
            String target = address != null ? address : listener.map(l -> l.bind().toString()).orElse("127.0.0.1:1139");
            server = socketAddress(target);
            chosen = Transports.named(transportName, "engine".equals(transportName)
                    ? TransportOptions.of(Map.of("addresses", engineAddress, "link", link, "threads", "1")) : TransportOptions.empty());
        } catch (IllegalArgumentException | TransportUnavailableException e) {
            cli.err().println("nbstack ping: " + e.getMessage());
            return Main.USAGE;
        }
        NetbiosClientSettings settings = NetbiosClientSettings.DEFAULT.withResponseTimeout(timeout);
        try (NetbiosClient client = NetbiosClient.create(chosen, settings, null)) {
            int status = ping(client, server, called, chosen.name());
            if (chosen instanceof EngineTransport engine) {
                finishConnections(engine.engine());
            }
            return status;
        }
    }

    private int ping(NetbiosClient client, InetSocketAddress server, NetbiosName called, String transportName) throws InterruptedException {
        String target = called + " (" + server.getHostString() + ":" + server.getPort() + ")";
        NetbiosSession session;
        try {
            session = client.connect(server, called, NetbiosName.of(calling, NetbiosName.WORKSTATION_SUFFIX))
                    .block(timeout.plusSeconds(1));
        } catch (NetbiosSessionException e) {
            cli.err().println("nbstack ping: " + e.getMessage());
            return Main.FAILED;
        } catch (IllegalStateException e) {
            cli.err().println("nbstack ping: no session with " + target + " within " + HumanDuration.format(timeout));
            return Main.FAILED;
        }
        cli.out().printf("NBSS PING %s over %s: %d octets per message%n", target, transportName, size);
        Replies replies = new Replies();
        session.inbound().subscribe(replies);
        PingStatistics stats = new PingStatistics();
        try {
            for (int seq = 1; seq <= count; seq++) {
                byte[] payload = new byte[size];
                ThreadLocalRandom.current().nextBytes(payload);
                long start = System.nanoTime();
                stats.sent();
                session.send(Unpooled.wrappedBuffer(payload));
                ByteBuf reply = replies.next(timeout);
                if (reply == Replies.SESSION_ENDED) {
                    cli.out().printf("the server closed the session before the echo of seq=%d%n", seq);
                    break;
                }
                if (reply == null) {
                    cli.out().printf("no echo for seq=%d within %s%n", seq, HumanDuration.format(timeout));
                    break;
                }
                long rtt = System.nanoTime() - start;
                try {
                    if (!ByteBufUtil.equals(reply, Unpooled.wrappedBuffer(payload))) {
                        cli.out().printf("seq=%d came back different (%d octets); is %s an echo service?%n", seq, reply.readableBytes(), called);
                        break;
                    }
                } finally {
                    reply.release();
                }
                stats.received(rtt);
                cli.out().printf(Locale.ROOT, "%d octets from %s: seq=%d time=%.3f ms%n", size, target, seq, PingStatistics.ms(rtt));
                if (seq < count && !interval.isZero()) {
                    Thread.sleep(interval.toMillis());
                }
            }
        } finally {
            session.close();
            session.onClose().block(Duration.ofSeconds(2));
            replies.releaseRest();
        }
        cli.out().print(stats.summary(target));
        return stats.receivedCount() == count ? Main.OK : Main.FAILED;
    }

    /** The client engine goes away with the command: first let the server's FIN be acknowledged. */
    private void finishConnections(Engine engine) throws InterruptedException {
        List<ConnectionInfo> left = ClientEngineDrain.awaitFinished(engine, timeout);
        for (ConnectionInfo c : left) {
            cli.err().printf("nbstack ping: connection %s -> %s still %s after %s; the server will time it out%n",
                    c.local(), c.remote(), c.state().netstatName(), HumanDuration.format(timeout));
        }
    }

    /**
     * Replies, one requested at a time so that the session's own inbound queue bounds what is held; the end of
     * the session arrives as {@link #SESSION_ENDED}, so that a closed session is reported at once, not as a lost echo.
     */
    private static final class Replies extends BaseSubscriber<ByteBuf> {
        static final ByteBuf SESSION_ENDED = Unpooled.unreleasableBuffer(Unpooled.EMPTY_BUFFER.duplicate());

        private final BlockingQueue<ByteBuf> queue = new ArrayBlockingQueue<>(4);

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            request(1);
        }

        @Override
        protected void hookOnNext(ByteBuf value) {
            if (!queue.offer(value)) {
                value.release();
            }
        }

        @Override
        protected void hookFinally(SignalType type) {
            queue.offer(SESSION_ENDED); // one reply at most is queued (one requested at a time): there is room
        }

        ByteBuf next(Duration timeout) throws InterruptedException {
            ByteBuf reply = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (reply == SESSION_ENDED) {
                queue.offer(SESSION_ENDED);
            } else if (reply != null) {
                request(1);
            }
            return reply;
        }

        void releaseRest() {
            dispose();
            ByteBuf left;
            while ((left = queue.poll()) != null) {
                if (left != SESSION_ENDED) {
                    left.release();
                }
            }
        }
    }

    /** The listener ping aims at by default: of the transport asked for, else the first enabled non-engine one. */
    private static Optional<ListenerConfig> defaultListener(NbstackConfig config, String transport) {
        return config.enabledListeners().stream()
                .filter(l -> transport == null ? !"engine".equals(l.transport()) : transport.equals(l.transport()))
                .findFirst();
    }

    static NetbiosName parseName(String text) {
        Matcher m = NAME_WITH_SUFFIX.matcher(text);
        if (m.matches()) {
            return NetbiosName.of(m.group(1).toUpperCase(Locale.ROOT), Integer.parseInt(m.group(2), 16));
        }
        return NetbiosName.server(text.toUpperCase(Locale.ROOT));
    }

    private static InetSocketAddress socketAddress(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--address must be HOST:PORT, got '" + text + "'");
        }
        try {
            return new InetSocketAddress(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--address must be HOST:PORT with a port 0..65535, got '" + text + "'");
        }
    }
}
