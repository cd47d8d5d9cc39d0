package org.nbstack.smb.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nbstack.netbios.name.NetbiosName;
import org.nbstack.netbios.session.NetbiosSession;
import org.nbstack.netbios.session.SendResult;
import org.nbstack.netbios.session.SessionStatus;
import org.nbstack.smb.protocol.Smb2Command;
import org.nbstack.smb.protocol.Smb2Requests;
import org.nbstack.smb.share.Share;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A session torn down while the file service still works on one of its requests (a client that stopped reading, or
 * vanished): the request is processed to its end, its reply is released rather than sent or leaked (the paranoid leak
 * check after each test fails it otherwise), and the connection's opens are closed off the tearing-down thread. The
 * request is held in the middle deterministically: the service's I/O threads are a queue this test runs by hand.
 */
class TornDownSessionTest {

    @TempDir
    Path tmp;
    private long messageId;

    @Test
    void aReplyFinishedAfterTheSessionWasTornDownIsReleasedAndTheConnectionClosed() throws Exception {
        try (SmbService service = new SmbService(settings(), meters, io)) {
            Responses responses = new Responses(Integer.MAX_VALUE);
            Flux.from(service.handler().handle(session(requests()))).subscribe(responses);

            for (int answered = 1; answered <= 5; answered++) {
                io.runAll();
                assertThat(responses.received).as("replies to the session's demand, one request at a time").isEqualTo(answered);
            }
            assertThat(service.metrics().opens.get()).as("the first CREATE opened the file").isEqualTo(1);
            assertThat(io.held()).as("the second CREATE waits for an I/O thread").isEqualTo(1);

            responses.cancel(); // the session layer's tear-down: returns at once, closing files is left to an I/O thread
            assertThat(service.metrics().opens.get()).as("nothing was closed on the tearing-down thread").isEqualTo(1);
            io.runAll(); // the second CREATE is processed, its reply made after the tear-down; then the connection closes

            assertThat(created()).as("both CREATEs were answered").isEqualTo(2);
            assertThat(responses.received).as("nothing was emitted after the cancel").isEqualTo(5);
            assertThat(service.metrics().opens.get()).as("both opens were closed with the connection").isZero();
            assertThat(service.metrics().connections.get()).isZero();
        }
    }

    /** A client that stops reading: the session asks for no more replies, the one made meanwhile waits, then goes with it. */
    @Test
    void aReplyTheSessionHasNotAskedForIsReleasedWhenItIsTornDown() throws Exception {
        try (SmbService service = new SmbService(settings(), meters, io)) {
            Responses responses = new Responses(5);
            Flux.from(service.handler().handle(session(requests()))).subscribe(responses);
            for (int answered = 1; answered <= 5; answered++) {
                io.runAll();
            }
            io.runAll(); // the second CREATE, taken while the fifth reply was handed over
            assertThat(created()).as("both CREATEs were answered").isEqualTo(2);
            assertThat(responses.received).as("the session asked for five replies").isEqualTo(5);
            assertThat(io.held()).as("no further request is taken while a reply waits").isZero();

            responses.cancel();
            io.runAll();
            assertThat(service.metrics().opens.get()).as("both opens were closed with the connection").isZero();
        }
    }

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final HeldTasks io = new HeldTasks();

    private SmbSettings settings() throws Exception {
        Path share = Files.createDirectories(tmp.resolve("share"));
        Files.writeString(share.resolve("file"), "contents");
        return SmbSettings.defaults("TEST", List.of(new Share("share", share, false, true)));
    }

    /**
     * Logon, tree connect and two CREATEs of one file. The session id the server gives is 1 and the tree id 1, so the
     * requests can be written in advance; each is made only when the service asks for it, as the session layer does.
     */
    private Flux<ByteBuf> requests() {
        List<Supplier<ByteBuf>> requests = List.of(this::negotiate, () -> sessionSetup(0, Smb2Requests.ntlmssp(1, 32)),
                () -> sessionSetup(1, Smb2Requests.ntlmssp(3, 72)), () -> treeConnect(1, "\\\\TEST\\share"), () -> create(1, 1, "file"),
                () -> create(1, 1, "file"));
        return Flux.fromIterable(requests).map(Supplier::get);
    }

    private double created() {
        Counter counter = meters.find("smb.requests").tag("command", "create").counter();
        return counter == null ? 0 : counter.count();
    }

    /** The service's I/O threads as a queue of tasks that the test runs, on its own thread, when it chooses. */
    private static final class HeldTasks extends AbstractExecutorService {
        private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

        /** Runs the tasks held now; those they submit wait for the next call. */
        void runAll() {
            for (int n = tasks.size(); n > 0; n--) {
                tasks.remove().run();
            }
        }

        int held() {
            return tasks.size();
        }

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }

    /** Asks for one reply at a time up to {@code wanted}, as the session layer does, releases each, and can be cancelled as on tear-down. */
    private static final class Responses extends BaseSubscriber<ByteBuf> {
        private final int wanted;
        volatile int received;

        Responses(int wanted) {
            this.wanted = wanted;
        }

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            subscription.request(1);
        }

        @Override
        protected void hookOnNext(ByteBuf response) {
            response.release();
            if (++received < wanted) {
                request(1);
            }
        }
    }

    private static NetbiosSession session(Flux<ByteBuf> inbound) {
        return new NetbiosSession() {
            public long id() {
                return 1;
            }

            public NetbiosName calledName() {
                return NetbiosName.server("TEST");
            }

            public NetbiosName callingName() {
                return NetbiosName.of("CLIENT", NetbiosName.WORKSTATION_SUFFIX);
            }

            public SocketAddress remoteAddress() {
                return new InetSocketAddress("127.0.0.1", 40000);
            }

            public Instant establishedAt() {
                return Instant.now();
            }

            public Flux<ByteBuf> inbound() {
                return inbound;
            }

            public SendResult send(ByteBuf message) {
                throw new UnsupportedOperationException();
            }

            public Mono<Void> send(Publisher<? extends ByteBuf> messages) {
                throw new UnsupportedOperationException();
            }

            public SessionStatus status() {
                throw new UnsupportedOperationException();
            }

            public Mono<Void> onClose() {
                return Mono.never();
            }

            public void close() {
            }

            public void abort() {
            }
        };
    }

    private ByteBuf negotiate() {
        return request(Smb2Command.NEGOTIATE, 0, 0, Smb2Requests.negotiate(0x0202));
    }

    private ByteBuf sessionSetup(long sessionId, byte[] token) {
        return request(Smb2Command.SESSION_SETUP, sessionId, 0, Smb2Requests.sessionSetup(token));
    }

    private ByteBuf treeConnect(long sessionId, String path) {
        return request(Smb2Command.TREE_CONNECT, sessionId, 0, Smb2Requests.treeConnect(path));
    }

    /** CREATE (FILE_OPEN) of {@code name} for reading. */
    private ByteBuf create(long sessionId, int treeId, String name) {
        return request(Smb2Command.CREATE, sessionId, treeId, Smb2Requests.create(name, Smb2Requests.GENERIC_READ, Smb2Requests.FILE_OPEN));
    }

    private ByteBuf request(int command, long sessionId, int treeId, ByteBuf body) {
        return Smb2Requests.message(command, messageId++, sessionId, treeId, body);
    }
}
