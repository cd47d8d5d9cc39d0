package org.nbstack.netbios.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nbstack.netbios.codec.SessionMessage;
import org.nbstack.netbios.metrics.NetbiosMetrics;
import org.nbstack.netbios.name.NetbiosName;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** The Reactor bridge: inbound demand drives channel reads, outbound demand follows queue room and writability. */
class SessionBridgeTest {

    private static final SessionLimits SMALL = new SessionLimits(2, 1024, 4, 1024, 4096, OverflowPolicy.DROP_NEWEST);

    private ReadCounter reads;
    private HeldWrites held;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private EmbeddedChannel channel;
    private ChannelSession session;

    private void establish(SessionLimits limits) {
        reads = new ReadCounter();
        held = new HeldWrites();
        channel = new EmbeddedChannel(false, false, reads, held, new ChannelInboundHandlerAdapter());
        channel.config().setAutoRead(false);
        try {
            channel.register();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        String placeholder = channel.pipeline().names().get(2);
        session = ChannelSession.establish(1, ChannelSession.Side.SERVER, channel, placeholder, NetbiosName.server("SERVER"), NetbiosName.of("CLIENT", 0),
                new SessionSettings(limits, new SessionTimeouts(Duration.ZERO, Duration.ZERO, Duration.ZERO), 1024),
                new NetbiosMetrics(meters, "server"), new SessionRegistry(), Duration.ZERO, () -> { });
    }

    @AfterEach
    void tearDown() {
        held.releaseAll();
        channel.finishAndReleaseAll();
    }

    @Test
    void inboundReadsOnlyWhileTheQueueHasRoomAndDemandRefillsIt() {
        establish(SMALL);
        long readsAtStart = reads.count.get();
        assertThat(readsAtStart).as("a new session reads at once").isEqualTo(1);

        StepVerifier.create(session.inbound().map(SessionBridgeTest::text), 0)
                .then(() -> {
                    receive("a");
                    receive("b"); // the queue (2 messages) is full now
                    channel.pipeline().fireChannelReadComplete();
                })
                .then(() -> {
                    assertThat(reads.count.get()).as("no read while the queue is full").isEqualTo(readsAtStart);
                    assertThat(session.status().inboundMessages()).isEqualTo(2);
                })
                .thenRequest(1)
                .expectNext("a")
                .then(() -> assertThat(reads.count.get()).as("room again: one more read").isEqualTo(readsAtStart + 1))
                .thenRequest(5)
                .expectNext("b")
                .then(() -> receive("c"))
                .expectNext("c")
                .then(() -> channel.close())
                .verifyComplete();
    }

    @Test
    void messagesLeftInTheInboundQueueAreReleasedWhenTheSessionEnds() {
        establish(SMALL);
        ByteBuf payload = Unpooled.copiedBuffer("unread", StandardCharsets.US_ASCII);
        channel.pipeline().fireChannelRead(new SessionMessage(payload));
        channel.close();
        assertThat(payload.refCnt()).isZero();
        StepVerifier.create(session.inbound()).verifyComplete();
    }

    @Test
    void outboundDemandStopsWhenTheQueueIsFullAndResumesAsWritesComplete() {
        establish(SMALL);
        AtomicLong requested = new AtomicLong();
        Flux<ByteBuf> publisher = Flux.range(0, 10).doOnRequest(requested::addAndGet)
                .map(i -> Unpooled.copiedBuffer("m" + i, StandardCharsets.US_ASCII));

        StepVerifier.create(session.send(publisher))
                .then(() -> {
                    assertThat(held.writes).as("4 queue slots, all taken by writes the transport holds").hasSize(4);
                    assertThat(requested.get()).as("no demand beyond the queue").isEqualTo(4);
                    assertThat(session.status().outboundMessages()).isEqualTo(4);
                })
                .then(() -> held.complete(2))
                .then(() -> assertThat(requested.get()).isEqualTo(6))
                .then(() -> held.complete(100))
                .then(() -> held.complete(100))
                .verifyComplete();
        assertThat(requested.get()).isEqualTo(10);
    }

    @Test
    void nothingIsWrittenWhileTheChannelIsUnwritable() {
        establish(SMALL);
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        assertThat(session.send(Unpooled.copiedBuffer("x", StandardCharsets.US_ASCII))).isEqualTo(SendResult.QUEUED);
        assertThat(held.writes).isEmpty();
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        channel.runPendingTasks(); // Netty announces regained writability from a task
        assertThat(held.writes).hasSize(1);
    }

    @Test
    void aFullOutboundQueueDropsTheNewestOrClosesOnlyThatSession() {
        establish(SMALL);
        for (int i = 0; i < 4; i++) {
            assertThat(session.send(Unpooled.buffer(1).writeByte(i))).isEqualTo(SendResult.QUEUED);
        }
        assertThat(session.send(Unpooled.buffer(1).writeByte(9))).isEqualTo(SendResult.DROPPED_QUEUE_FULL);
        assertThat(meters.find("netbios.messages.dropped").tag("reason", "queue_full").counter().count()).isEqualTo(1);
        assertThat(session.send(Unpooled.buffer(2000).writerIndex(2000))).isEqualTo(SendResult.DROPPED_TOO_LARGE);
        held.releaseAll();
        channel.finishAndReleaseAll();

        establish(SMALL.withOverflowPolicy(OverflowPolicy.CLOSE_SESSION));
        for (int i = 0; i < 4; i++) {
            session.send(Unpooled.buffer(1).writeByte(i));
        }
        assertThat(session.send(Unpooled.buffer(1).writeByte(9))).isEqualTo(SendResult.SESSION_CLOSED_BY_POLICY);
        assertThat(channel.isOpen()).isFalse();
        assertThat(session.status().state()).isEqualTo(SessionState.CLOSED);
        assertThat(session.send(Unpooled.buffer(1).writeByte(1))).isEqualTo(SendResult.SESSION_CLOSED);
    }

    @Test
    void theMemoryBudgetCoversInboundAndOutboundTogether() {
        establish(new SessionLimits(8, 1024, 8, 1024, 1024, OverflowPolicy.DROP_NEWEST));
        channel.pipeline().fireChannelRead(new SessionMessage(Unpooled.buffer(800).writerIndex(800))); // received, not yet taken
        assertThat(session.send(Unpooled.buffer(300).writerIndex(300))).as("800 + 300 > 1024").isEqualTo(SendResult.DROPPED_QUEUE_FULL);
        assertThat(session.send(Unpooled.buffer(200).writerIndex(200))).isEqualTo(SendResult.QUEUED);
        assertThat(session.status().inboundBytes()).isEqualTo(800);
        assertThat(session.status().outboundBytes()).isEqualTo(200);
    }

    private void receive(String text) {
        channel.pipeline().fireChannelRead(new SessionMessage(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII)));
    }

    private static String text(ByteBuf buf) {
        try {
            return buf.toString(StandardCharsets.US_ASCII);
        } finally {
            buf.release();
        }
    }

    /** Counts read() calls going to the transport. */
    private static final class ReadCounter extends ChannelDuplexHandler {
        final AtomicLong count = new AtomicLong();

        @Override
        public void read(ChannelHandlerContext ctx) {
            count.incrementAndGet();
            ctx.read();
        }
    }

    /** A transport that accepts writes but completes them only when told, like a peer that stopped reading. */
    private static final class HeldWrites extends ChannelDuplexHandler {
        final List<Object> writes = new ArrayList<>();
        final List<ChannelPromise> promises = new ArrayList<>();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            writes.add(msg);
            promises.add(promise);
        }

        void complete(int n) {
            for (int i = 0; i < n && !writes.isEmpty(); i++) {
                ReferenceCountUtil.release(writes.remove(0));
                promises.remove(0).setSuccess();
            }
        }

        void releaseAll() {
            writes.forEach(ReferenceCountUtil::release);
            writes.clear();
            promises.clear();
        }
    }
}
