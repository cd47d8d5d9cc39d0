package org.nbstack.tcp.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nbstack.tcp.core.congestion.CongestionAlgorithm;
import org.nbstack.tcp.wire.TcpFlags;
import org.nbstack.tcp.wire.TcpOptions;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * Seed 002 (Q189080) for state that only events refresh: sequence-space variables compared by serial arithmetic
 * must stay within a window of SND.UNA however long a connection runs without the event. A single loss after
 * gigabytes of clean transfer still gets exactly one fast retransmit and one halving of the window; a peer
 * silent for more than 24 days gets PAWS back once its timestamps resume. Virtual time and generated payload
 * (64 KiB segments, data counted, not hashed) keep the multi-GiB transfers cheap.
 */
class Q189080LongLivedBookkeepingTest {
    private static final long SEC = 1_000_000_000L;
    private static final long DAY = 24 * 3600 * SEC;
    private static final long GIB = 1L << 30;
    private static final byte[] CHUNK = new byte[1 << 20];
    private ConnectionPair pair;

    @AfterEach
    void release() {
        if (pair != null) {
            pair.close();
        }
    }

    @ParameterizedTest(name = "loss after {0} MiB, SACK {1}")
    @CsvSource({"2253, true", "2253, false", "4404, true", "4404, false"}) // 2.2 GiB and 4.3 GiB
    void singleLossAfterGigabytesOfCleanTransferGetsOneFastRetransmitAndOneHalving(long lossAfterMib, boolean sack) {
        // NewReno, whose one response halves the flight (CUBIC keeps 0.7 of it).
        TcpConfig config = TcpConfig.builder().mss(65495).sack(sack).congestionControl(CongestionAlgorithm.NEWRENO)
                .build();
        pair = ConnectionPair.of(config).open();
        assertThat(pair.runUntil(() -> pair.client.established && pair.server.established, 5 * SEC)).isTrue();
        pair.server.countOnly = true;
        long lossAt = lossAfterMib << 20;
        long total = lossAt + 64L * (1 << 20);
        AtomicInteger dropped = new AtomicInteger();
        pair.dropFilter = (seg, fromClient) -> fromClient && seg.payloadLength() > 0 && pair.server.received >= lossAt
                && dropped.getAndIncrement() == 0;
        long[] written = {0};
        Runnable pump = () -> {
            TcpConnection c = pair.client.conn;
            while (written[0] < total && c.sendSpace() > 0) {
                int n = (int) Math.min(Math.min(c.sendSpace(), CHUNK.length), total - written[0]);
                c.write(Unpooled.wrappedBuffer(CHUNK, 0, n));
                written[0] += n;
            }
            c.flush(pair.now);
        };
        long ssthreshBefore = -1;
        assertThat(pair.runUntil(() -> {
            pump.run();
            return dropped.get() > 0;
        }, 3600 * SEC)).isTrue();
        ssthreshBefore = pair.client.conn.slowStartThreshold();
        long fastBefore = pair.counters.fastRetransmits;
        long rtosBefore = pair.counters.retransmitTimeouts;
        assertThat(pair.runUntil(() -> {
            pump.run();
            return pair.server.received == total;
        }, 3600 * SEC)).isTrue();

        assertThat(pair.counters.fastRetransmits - fastBefore).as("fast retransmits").isEqualTo(1);
        assertThat(pair.counters.retransmitTimeouts - rtosBefore).as("retransmission timeouts").isZero();
        assertThat(ssthreshBefore).isEqualTo(Integer.MAX_VALUE); // no congestion response before the loss
        // One halving: ssthresh is half the flight at the loss, at most half the peer's window.
        assertThat(pair.client.conn.slowStartThreshold()).isBetween(2 * pair.client.conn.sendMss(),
                config.receiveBuffer() / 2 + pair.client.conn.sendMss());
        assertThat(pair.client.state()).isEqualTo(TcpState.ESTABLISHED);
    }

    /** RFC 7323 §5.5: after 24 days of silence TS.Recent is invalid; the next timestamp must replace it. */
    @Test
    void timestampsResumeAfterThePawsIdleInvalidationAndPawsProtectsAgain() {
        pair = ConnectionPair.of(TcpConfig.DEFAULT).open();
        assertThat(pair.runUntil(() -> pair.client.established && pair.server.established, 5 * SEC)).isTrue();
        pair.runFor(25 * DAY); // the peer's clock moves 2^31 ms ahead: its timestamps now look older (RFC 7323 §5.5)
        int[] lastClientTsVal = {0};
        int[] lastServerTsEcr = {0};
        pair.rewrite = (seg, fromClient) -> {
            if (fromClient) {
                lastClientTsVal[0] = seg.options.tsVal;
            } else {
                lastServerTsEcr[0] = seg.options.tsEcr;
            }
            return seg;
        };
        pair.client.write(new byte[1000]);
        assertThat(pair.runUntil(() -> pair.server.received == 1000, 5 * SEC)).isTrue();
        pair.runFor(SEC);
        assertThat(lastServerTsEcr[0]).as("TSecr the server echoes").isEqualTo(lastClientTsVal[0]);

        // An old duplicate (timestamp a second older than the last one seen) is rejected again.
        TcpConnection s = pair.server.conn;
        long pawsBefore = pair.counters.pawsRejected;
        s.segmentArrived(pair.now, new TcpSegment(ConnectionPair.CLIENT_ADDR, ConnectionPair.SERVER_ADDR, 40000, 139,
                s.rcvNxt(), s.sndNxt(), TcpFlags.ACK, 1000, TcpOptions.timestamps(lastClientTsVal[0] - 1000, 0),
                Unpooled.wrappedBuffer(new byte[100])));
        assertThat(pair.counters.pawsRejected - pawsBefore).isEqualTo(1);
        assertThat(pair.server.received).isEqualTo(1000);
    }
}
