package org.nbstack.tcp.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.core.TcpState;
import org.nbstack.tcp.wire.Ipv4;

/** Each engine limit has a defined behaviour when reached, and is counted. */
class StackLimitsTest {
    private static final int LOCALHOST = Ipv4.parse("127.0.0.1");
    private long now = 1_000_000_000L;
    private final List<ByteBuf> link = new ArrayList<>();
    private TcpStack stack;

    @AfterEach
    void tearDown() {
        stack.close();
        link.forEach(ByteBuf::release);
    }

    private TcpStack stack(StackConfig config) {
        return stack(config, true);
    }

    /** A stack listening on 139; {@code serverReads} false leaves received data unread, so windows close. */
    private TcpStack stack(StackConfig config, boolean serverReads) {
        stack = new TcpStack(config, link::add, UnpooledByteBufAllocator.DEFAULT, () -> now);
        stack.listen(0, 139, 64, l -> {
            StackConnection c;
            while ((c = l.poll()) != null) {
                StackLoopbackTest.Recorder r = new StackLoopbackTest.Recorder();
                r.self = serverReads ? c : null;
                c.setHandler(r);
            }
        });
        return stack;
    }

    @Test
    void connectionsFromOneSourceBeyondItsLimitAreNotAccepted() {
        stack(StackConfig.builder(LOCALHOST).maxConnectionsPerSource(6).secretSeed(1L).build());
        List<StackConnection> clients = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            clients.add(stack.connect(0, 0, LOCALHOST, 139, TcpConfig.DEFAULT, new StackLoopbackTest.Recorder()));
        }
        // Loopback: each connection counts twice against 127.0.0.1 (client end and server end).
        long established = clients.stream().filter(c -> c.state() == TcpState.ESTABLISHED).count();
        assertThat(established).isEqualTo(3);
        assertThat(stack.counters().perSourceLimitDrops).isPositive();
        assertThat(clients.get(4).state()).isEqualTo(TcpState.SYN_SENT); // its SYN was dropped: it retries
    }

    @Test
    void overTheMemoryLimitWritersGetNoSpaceAndNewConnectionsAreRefused() {
        stack(StackConfig.builder(LOCALHOST).memoryLimit(64 * 1024).secretSeed(2L).build(), false);
        StackLoopbackTest.Recorder reader = new StackLoopbackTest.Recorder();
        StackConnection client = stack.connect(0, 0, LOCALHOST, 139, TcpConfig.DEFAULT, reader);
        // Nobody reads on the server side past its window; keep writing until the stack holds 64 KiB.
        client.write(UnpooledByteBufAllocator.DEFAULT.heapBuffer(2 << 20).writeZero(2 << 20));
        client.flush();
        assertThat(stack.resources().overMemoryLimit()).isTrue();
        assertThat(client.connection().sendSpace()).as("backpressure instead of more buffering").isZero();
        assertThatThrownBy(() -> stack.connect(0, 0, LOCALHOST, 139, TcpConfig.DEFAULT, new StackLoopbackTest.Recorder()))
                .hasMessageContaining("memory limit");
        assertThat(stack.counters().memoryLimitDrops).isPositive();
    }

    @Test
    void totalConnectionLimitRefusesConnectsClearly() {
        stack(StackConfig.builder(LOCALHOST).maxConnections(4).secretSeed(3L).build());
        stack.connect(0, 0, LOCALHOST, 139, TcpConfig.DEFAULT, new StackLoopbackTest.Recorder());
        stack.connect(0, 0, LOCALHOST, 139, TcpConfig.DEFAULT, new StackLoopbackTest.Recorder());
        assertThat(stack.connectionCount()).isEqualTo(4);
        assertThatThrownBy(() -> stack.connect(0, 0, LOCALHOST, 139, TcpConfig.DEFAULT, new StackLoopbackTest.Recorder()))
                .hasMessageContaining("connection limit reached (4)");
    }
}
