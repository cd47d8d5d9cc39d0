package org.nbstack.tcp.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.core.CloseReason;
import org.nbstack.tcp.core.ConnectionEvents;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.core.TcpConnection;
import org.nbstack.tcp.core.TcpState;
import org.nbstack.tcp.wire.Ipv4;

/** One stack talking to itself over 127.0.0.1: demultiplexing, listeners, resets, TIME_WAIT, netstat. */
class StackLoopbackTest {
    private static final int LOCALHOST = Ipv4.parse("127.0.0.1");
    private static final long SEC = 1_000_000_000L;
    private long now = SEC;
    private final List<ByteBuf> sentToLink = new ArrayList<>();
    private final TcpStack stack = new TcpStack(StackConfig.of(LOCALHOST).withSecretSeed(1), sentToLink::add,
            UnpooledByteBufAllocator.DEFAULT, () -> now);

    @AfterEach
    void tearDown() {
        stack.close();
        sentToLink.forEach(ByteBuf::release);
    }

    /** Records events; echoes data back when asked to. */
    static final class Recorder implements ConnectionEvents {
        final StringBuilder received = new StringBuilder();
        CloseReason closed;
        boolean established;
        boolean peerFin;
        StackConnection echoTo;
        StackConnection self;
        boolean closeOnPeerFin;

        @Override
        public void onEstablished(TcpConnection c) {
            established = true;
        }

        @Override
        public void onData(TcpConnection c, ByteBuf data) {
            int n = data.readableBytes();
            received.append(data.toString(StandardCharsets.US_ASCII));
            if (echoTo != null) {
                echoTo.write(data);
                echoTo.consumed(n);
                echoTo.flush();
            } else {
                data.release();
                if (self != null) {
                    self.consumed(n);
                }
            }
        }

        @Override
        public void onPeerFin(TcpConnection c) {
            peerFin = true;
            if (closeOnPeerFin && self != null) {
                self.close();
            }
        }

        @Override
        public void onClosed(TcpConnection c, CloseReason reason) {
            closed = reason;
        }
    }

    private void advance(long nanos) {
        long end = now + nanos;
        while (stack.nextDeadline() <= end) {
            now = Math.max(now, stack.nextDeadline());
            stack.runTimers();
        }
        now = end;
    }

    @Test
    void connectAcceptEchoAndCloseOverLoopback() {
        List<StackConnection> accepted = new ArrayList<>();
        Recorder serverSide = new Recorder();
        stack.listen(0, 139, 16, l -> {
            StackConnection c;
            while ((c = l.poll()) != null) {
                serverSide.echoTo = c;
                c.setHandler(serverSide);
                accepted.add(c);
            }
        });
        Recorder clientSide = new Recorder();
        StackConnection client = stack.connect(0, 0, LOCALHOST, 139, TcpConfig.DEFAULT, clientSide);
        clientSide.self = client;
        assertThat(clientSide.established).isTrue();
        assertThat(accepted).hasSize(1);
        client.write(io.netty.buffer.Unpooled.copiedBuffer("hello engine", StandardCharsets.US_ASCII));
        client.flush();
        assertThat(serverSide.received.toString()).isEqualTo("hello engine");
        assertThat(clientSide.received.toString()).isEqualTo("hello engine");
        assertThat(sentToLink).as("loopback never reaches the link").isEmpty();

        client.close();
        assertThat(serverSide.peerFin).isTrue();
        accepted.get(0).close();
        assertThat(serverSide.closed).isEqualTo(CloseReason.NORMAL);
        assertThat(client.state()).isEqualTo(TcpState.TIME_WAIT);
        assertThat(stack.timeWaitCount()).isEqualTo(1);
        assertThat(stack.netstat()).anySatisfy(row -> {
            assertThat(row.state()).isEqualTo(TcpState.TIME_WAIT);
            assertThat(row.netstatLine()).contains("TIME_WAIT").contains("timewait");
        });
        advance(61 * SEC);
        assertThat(client.state()).isEqualTo(TcpState.CLOSED);
        assertThat(stack.timeWaitCount()).isZero();
        assertThat(stack.connectionCount()).isZero();
    }

    @Test
    void connectingToAPortNobodyListensOnIsRefused() {
        Recorder r = new Recorder();
        StackConnection c = stack.connect(0, 0, LOCALHOST, 445, TcpConfig.DEFAULT, r);
        assertThat(r.closed).isEqualTo(CloseReason.REFUSED);
        assertThat(c.state()).isEqualTo(TcpState.CLOSED);
        assertThat(stack.counters().resetsForUnknownConnections).isEqualTo(1);
    }

    @Test
    void listeningTwiceOnAPortIsAClearError() {
        stack.listen(0, 139, 4, l -> { });
        assertThatThrownBy(() -> stack.listen(0, 139, 4, l -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("address already in use");
    }

    @Test
    void fullAcceptQueueDropsSynsUntilTheApplicationAccepts() {
        Listener l = stack.listen(0, 139, 2, x -> { });
        List<Recorder> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Recorder r = new Recorder();
            stack.connect(0, 0, LOCALHOST, 139, TcpConfig.DEFAULT, r);
            clients.add(r);
        }
        assertThat(l.acceptQueueLength()).isEqualTo(2);
        assertThat(clients.stream().filter(r -> r.established).count()).isEqualTo(2);
        assertThat(stack.counters().acceptQueueOverflows).isGreaterThanOrEqualTo(2);
        // The application accepts; the dropped clients' SYN retransmissions (1 s) now get through.
        while (l.poll() != null) {
            // accepted and discarded: the test only needs the room
        }
        advance(2 * SEC);
        assertThat(clients.stream().filter(r -> r.established).count()).isEqualTo(4);
    }

    @Test
    void ephemeralPortsSkipTuplesStillInTimeWait() {
        TcpStack small = new TcpStack(StackConfig.of(LOCALHOST).withSecretSeed(2).withEphemeralRange(40000, 40003),
                sentToLink::add, UnpooledByteBufAllocator.DEFAULT, () -> now);
        try {
            small.listen(0, 139, 16, l -> {
                StackConnection c;
                while ((c = l.poll()) != null) {
                    Recorder r = new Recorder();
                    r.self = c;
                    r.closeOnPeerFin = true;
                    c.setHandler(r);
                }
            });
            for (int i = 0; i < 4; i++) {
                StackConnection c = small.connect(0, 0, LOCALHOST, 139, TcpConfig.DEFAULT, new Recorder());
                c.close(); // client closes first: the client side holds TIME_WAIT
            }
            assertThat(small.timeWaitCount()).isEqualTo(4);
            // Every port of the range is either busy or in TIME_WAIT: a fifth connect must fail clearly.
            long busyPorts = small.netstat().stream().filter(r -> r.localPort() >= 40000 && r.localPort() <= 40003).count();
            assertThat(busyPorts).isEqualTo(4);
            assertThatThrownBy(() -> small.connect(0, 0, LOCALHOST, 139, TcpConfig.DEFAULT, new Recorder()))
                    .hasMessageContaining("no ephemeral port left");
        } finally {
            small.close();
        }
    }

    @Test
    void bindToPortZeroTakesEachFreePortOfTheRangeOnceThenSaysTheRangeIsFull() {
        TcpStack small = new TcpStack(StackConfig.of(LOCALHOST).withSecretSeed(3).withEphemeralRange(40000, 40003),
                sentToLink::add, UnpooledByteBufAllocator.DEFAULT, () -> now);
        try {
            small.listen(0, 40002, 16, l -> { }); // one port of the range already listens
            List<Integer> bound = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int port = small.freePort(LOCALHOST);
                small.listen(LOCALHOST, port, 16, l -> { });
                bound.add(port);
            }
            assertThat(bound).containsExactlyInAnyOrder(40000, 40001, 40003);
            assertThatThrownBy(() -> small.freePort(LOCALHOST)).hasMessage("no free port in 40000-40003");
        } finally {
            small.close();
        }
    }
}
