package org.nbstack.smb.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nbstack.netbios.name.NetbiosName;
import org.nbstack.netbios.session.NetbiosSession;
import org.nbstack.netbios.session.SendResult;
import org.nbstack.netbios.session.SessionStatus;
import org.nbstack.smb.protocol.Smb2Command;
import org.nbstack.smb.protocol.Smb2Header;
import org.nbstack.smb.share.Share;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A session torn down while the file service still works on one of its requests (a client that stopped reading, or
 * vanished): the response finished after the tear-down is released, not leaked (the leak check after each test fails
 * it otherwise). The request is held in the middle deterministically by a CREATE of a FIFO, whose open blocks until
 * the test opens the other end, after it has cancelled the session's stream. (That a CREATE of a FIFO waits for a
 * writer is itself a hazard: it holds one of the service's I/O slots; if special files are ever refused, this test
 * needs another way to hold a request.)
 */
class TornDownSessionTest {

    @TempDir
    Path tmp;
    private long messageId;

    @Test
    void aResponseFinishedAfterTheSessionWasTornDownIsReleased() throws Exception {
        Path share = Files.createDirectories(tmp.resolve("share"));
        Path fifo = share.resolve("pipe");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true).start();
        assertThat(mkfifo.waitFor(30, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).as("mkfifo").isTrue();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (SmbService service = new SmbService(SmbSettings.defaults("TEST", List.of(new Share("share", share, false, true))), meters)) {
            // The session id the server gives is 1 and the tree id 1: the requests can be written in advance.
            Flux<ByteBuf> requests = Flux.just(negotiate(), sessionSetup(0, ntlmssp(1, 32)), sessionSetup(1, ntlmssp(3, 72)),
                    treeConnect(1, "\\\\TEST\\share"), create(1, 1, "pipe"));
            Responses responses = new Responses();
            Flux.from(service.handler().handle(session(requests))).subscribe(responses);

            responses.fourAnswered.get(30, TimeUnit.SECONDS); // negotiate, two session setups, tree connect
            assertThat(created(meters)).as("the CREATE of the FIFO is still opening it").isZero();
            // The session layer cancels on tear-down. The cancel reaches the request's Mono first, then the handler's
            // doFinally, which closes the connection and so waits (BLOCKED) for the CREATE to leave the connection's lock.
            Thread tearDown = Thread.ofPlatform().name("tear-down").start(responses::cancel);
            long blockedBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (tearDown.getState() != Thread.State.BLOCKED && System.nanoTime() < blockedBy) {
                Thread.sleep(1);
            }
            assertThat(tearDown.getState()).as("the tear-down waits for the CREATE").isEqualTo(Thread.State.BLOCKED);
            try (OutputStream writer = Files.newOutputStream(fifo)) { // the CREATE's open returns, its response is built
                tearDown.join(TimeUnit.SECONDS.toMillis(30));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (created(meters) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(created(meters)).as("the CREATE was answered after the tear-down").isEqualTo(1);
            Thread.sleep(200); // the discarded response reaches the discard hook
            assertThat(responses.received).as("nothing was emitted after the cancel").isEqualTo(4);
        }
    }

    private static double created(SimpleMeterRegistry meters) {
        Counter counter = meters.find("smb.requests").tag("command", "create").counter();
        return counter == null ? 0 : counter.count();
    }

    /** Takes every response (releasing it) and can be cancelled as the session layer does on tear-down. */
    private static final class Responses extends BaseSubscriber<ByteBuf> {
        final CompletableFuture<Void> fourAnswered = new CompletableFuture<>();
        volatile int received;

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        protected void hookOnNext(ByteBuf response) {
            response.release();
            if (++received == 4) {
                fourAnswered.complete(null);
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
        return request(Smb2Command.NEGOTIATE, 0, 0, Unpooled.buffer().writeShortLE(36).writeShortLE(1).writeShortLE(1).writeShortLE(0)
                .writeIntLE(0).writeZero(16).writeLongLE(0).writeShortLE(0x0202));
    }

    /** An NTLMSSP message of {@code type} with every field empty (the AUTHENTICATE of an anonymous logon). */
    private static byte[] ntlmssp(int type, int length) {
        byte[] token = new byte[length];
        System.arraycopy("NTLMSSP\0".getBytes(StandardCharsets.US_ASCII), 0, token, 0, 8);
        token[8] = (byte) type;
        return token;
    }

    private ByteBuf sessionSetup(long sessionId, byte[] token) {
        return request(Smb2Command.SESSION_SETUP, sessionId, 0, Unpooled.buffer().writeShortLE(25).writeByte(0).writeByte(1).writeIntLE(0)
                .writeIntLE(0).writeShortLE(Smb2Header.SIZE + 24).writeShortLE(token.length).writeLongLE(0).writeBytes(token));
    }

    private ByteBuf treeConnect(long sessionId, String path) {
        byte[] p = path.getBytes(StandardCharsets.UTF_16LE);
        return request(Smb2Command.TREE_CONNECT, sessionId, 0,
                Unpooled.buffer().writeShortLE(9).writeShortLE(0).writeShortLE(Smb2Header.SIZE + 8).writeShortLE(p.length).writeBytes(p));
    }

    /** CREATE (FILE_OPEN) of {@code name} for reading. */
    private ByteBuf create(long sessionId, int treeId, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_16LE);
        ByteBuf b = Unpooled.buffer().writeShortLE(57).writeByte(0).writeByte(0).writeIntLE(2).writeLongLE(0).writeLongLE(0);
        b.writeIntLE(0x80000000).writeIntLE(0).writeIntLE(7).writeIntLE(1).writeIntLE(0); // GENERIC_READ, FILE_OPEN
        b.writeShortLE(Smb2Header.SIZE + 56).writeShortLE(n.length).writeIntLE(0).writeIntLE(0).writeBytes(n);
        return request(Smb2Command.CREATE, sessionId, treeId, b);
    }

    private ByteBuf request(int command, long sessionId, int treeId, ByteBuf body) {
        ByteBuf out = Unpooled.directBuffer();
        new Smb2Header(1, 0, command, 8, 0, 0, messageId++, 0, treeId, sessionId).encode(out);
        out.setIntLE(16, 0); // a request: no SERVER_TO_REDIR
        out.writeBytes(body);
        body.release();
        return out;
    }
}
