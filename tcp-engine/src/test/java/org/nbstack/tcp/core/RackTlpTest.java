package org.nbstack.tcp.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * RACK-TLP (RFC 8985) on two connections joined by a 1 ms wire (round trip 2 ms, so min_RTT / 4 = 0.5 ms):
 * a lost tail is repaired by a probe, not by the 200 ms RTO; reordering within the reordering window is
 * not mistaken for loss; loss is found by time, not by counting duplicate ACKs; and when even the probe is
 * lost, the RTO still repairs the stream.
 */
class RackTlpTest {
    private static final long MS = 1_000_000L;
    private static final long SEC = 1_000_000_000L;
    private static final int SEG = 1448; // MSS 1460 less the timestamps option
    private ConnectionPair pair;
    private final List<byte[]> written = new ArrayList<>();

    @AfterEach
    void release() {
        if (pair != null) {
            pair.close();
        }
    }

    /** Established, with one exchange of two full segments behind it so RACK has its min_RTT of 2 ms. */
    private void establishedAndWarm() {
        pair = ConnectionPair.of(TcpConfig.DEFAULT).open();
        assertThat(pair.runUntil(() -> pair.client.established && pair.server.established, 5 * SEC)).isTrue();
        write(2 * SEG);
        assertThat(pair.runUntil(() -> pair.client.conn.sndUna() == pair.client.conn.sndNxt(), SEC)).isTrue();
        assertThat(pair.client.conn.sackEnabled()).isTrue();
        assertThat(pair.client.conn.sendMss()).isEqualTo(SEG);
    }

    private void write(int bytes) {
        byte[] b = new byte[bytes];
        new Random(written.size()).nextBytes(b);
        written.add(b);
        pair.client.write(b);
    }

    private long writtenBytes() {
        return written.stream().mapToLong(b -> b.length).sum();
    }

    private boolean allDelivered() {
        return pair.server.received == writtenBytes();
    }

    private void assertByteExact() throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        written.forEach(d::update);
        assertThat(pair.server.digest.digest()).isEqualTo(d.digest());
    }

    /** Index (from 1) of a client data segment among first transmissions, by its sequence number. */
    private int segmentNumber(TcpSegment seg, int firstSeq) {
        return (seg.seq - firstSeq) / SEG + 1;
    }

    @Test
    void lostTailSegmentIsRepairedByAProbeWellBeforeTheRto() throws Exception {
        establishedAndWarm();
        TcpCounters c = pair.counters;
        long rtosBefore = c.retransmitTimeouts;
        int first = pair.client.conn.sndNxt();
        List<Long> tailSends = new ArrayList<>();
        pair.dropFilter = (seg, fromClient) -> {
            if (fromClient && seg.payloadLength() > 0 && segmentNumber(seg, first) == 10) {
                tailSends.add(pair.now);
                return tailSends.size() == 1; // the last of ten segments is lost once
            }
            return false;
        };
        long start = pair.now;
        write(10 * SEG);
        assertThat(pair.runUntil(this::allDelivered, 5 * SEC)).isTrue();
        long repairedAfter = pair.now - start;

        assertThat(c.tlpProbes).as("probes sent").isEqualTo(1);
        assertThat(tailSends).hasSize(2);
        // The probe goes out one PTO (2 * SRTT + 2 ms = 6 ms) after the last ACK, not after the 200 ms RTO.
        assertThat(tailSends.get(1) - start).isBetween(6 * MS, 12 * MS);
        assertThat(repairedAfter).isLessThan(20 * MS).isLessThan(pair.client.conn.rtoNanos() / 10);
        assertThat(c.retransmitTimeouts).isEqualTo(rtosBefore);
        assertThat(c.fastRetransmits).as("no fast recovery was needed").isZero();

        // The next ACK beyond the probe tells that the probe repaired a loss (RFC 8985 §7.4).
        write(4 * SEG);
        assertThat(pair.runUntil(() -> allDelivered() && pair.client.conn.sndUna() == pair.client.conn.sndNxt(), SEC)).isTrue();
        assertThat(c.tlpRecoveries).isEqualTo(1);
        assertByteExact();
    }

    @Test
    void reorderingWithinTheWindowIsNotMistakenForLoss() throws Exception {
        establishedAndWarm();
        TcpCounters c = pair.counters;
        // First burst: segment 9 of 10 arrives 0.3 ms late, overtaken by segment 10 only. Too little SACKed
        // to call it lost at once, and it arrives within the 0.5 ms window: RACK learns the path reorders.
        int first = pair.client.conn.sndNxt();
        pair.extraDelay = (seg, fromClient) -> fromClient && seg.payloadLength() > 0
                && segmentNumber(seg, first) == 9 ? 300_000L : 0;
        write(10 * SEG);
        assertThat(pair.runUntil(() -> allDelivered() && pair.client.conn.sndUna() == pair.client.conn.sndNxt(), SEC)).isTrue();
        long dupAcksBefore = c.duplicateAcks;

        // Second burst: segment 3 of 10 arrives 0.3 ms late, overtaken by seven segments. Seven duplicate
        // ACKs would have meant a fast retransmit under DupThresh; RACK waits out its reordering window.
        int second = pair.client.conn.sndNxt();
        pair.extraDelay = (seg, fromClient) -> fromClient && seg.payloadLength() > 0
                && segmentNumber(seg, second) == 3 ? 300_000L : 0;
        write(10 * SEG);
        assertThat(pair.runUntil(() -> allDelivered() && pair.client.conn.sndUna() == pair.client.conn.sndNxt(), SEC)).isTrue();

        assertThat(c.duplicateAcks - dupAcksBefore).as("duplicate ACKs the reordering caused")
                .isGreaterThanOrEqualTo(SackScoreboard.DUP_THRESH);
        assertThat(c.retransmittedSegments).as("segments retransmitted").isZero();
        assertThat(c.rackLosses).isZero();
        assertThat(c.fastRetransmits).isZero();
        assertByteExact();
    }

    @Test
    void reorderingBeyondTheWindowIsRetransmittedAndItsDsackWidensTheWindow() throws Exception {
        // The other side of the window: a segment 3 ms late (more than min_RTT / 4 and more than the round
        // trip) is taken for lost, as it must be for a real loss to be repaired quickly.
        establishedAndWarm();
        TcpCounters c = pair.counters;
        int first = pair.client.conn.sndNxt();
        boolean[] delayed = {false};
        pair.extraDelay = (seg, fromClient) -> {
            if (fromClient && seg.payloadLength() > 0 && segmentNumber(seg, first) == 9 && !delayed[0]) {
                delayed[0] = true; // the original only; the retransmission travels normally
                return 3 * MS;
            }
            return 0;
        };
        write(10 * SEG);
        assertThat(pair.runUntil(() -> allDelivered() && pair.client.conn.sndUna() == pair.client.conn.sndNxt(), SEC)).isTrue();
        assertThat(c.rackLosses).isEqualTo(1);
        assertThat(c.retransmittedSegments).isEqualTo(1);
        // The late original arrived after the retransmission: the receiver reports it with a D-SACK
        // (RFC 2883), which tells the sender its retransmission was needless.
        pair.runFor(50 * MS);
        assertThat(c.dsacksReceived).isEqualTo(1);

        // RFC 8985 §6.2: the reordering window is now 2 * min_RTT / 4 = 1 ms, so a segment 0.8 ms late,
        // overtaken by seven others, is waited for (with the window of 0.5 ms it would be resent).
        int second = pair.client.conn.sndNxt();
        pair.extraDelay = (seg, fromClient) -> fromClient && seg.payloadLength() > 0
                && segmentNumber(seg, second) == 3 ? 800_000L : 0;
        write(10 * SEG);
        assertThat(pair.runUntil(() -> allDelivered() && pair.client.conn.sndUna() == pair.client.conn.sndNxt(), SEC)).isTrue();
        assertThat(c.retransmittedSegments).as("segments retransmitted").isEqualTo(1);
        assertThat(c.rackLosses).isEqualTo(1);
        assertByteExact();
    }

    @Test
    void aDuplicateSegmentIsReportedOnceWithADsackBlock() {
        establishedAndWarm();
        List<TcpSegment> acks = new ArrayList<>();
        int[] clientTsVal = {0};
        pair.dropFilter = (seg, fromClient) -> {
            if (fromClient) {
                clientTsVal[0] = seg.options.tsVal;
            } else if (seg.payloadLength() == 0) {
                acks.add(seg); // a pure ACK holds no buffer: keeping it after delivery is safe
            }
            return false;
        };
        write(SEG);
        assertThat(pair.runUntil(() -> allDelivered() && pair.client.conn.sndUna() == pair.client.conn.sndNxt(), SEC)).isTrue();
        acks.clear();
        TcpConnection server = pair.server.conn;
        int dupSeq = server.rcvNxt() - SEG;
        server.segmentArrived(pair.now, new TcpSegment(ConnectionPair.CLIENT_ADDR, ConnectionPair.SERVER_ADDR, 40000, 139,
                dupSeq, server.sndNxt(), org.nbstack.tcp.wire.TcpFlags.ACK, 1000,
                org.nbstack.tcp.wire.TcpOptions.timestamps(clientTsVal[0], 0), ConnectionPair.ALLOC.buffer(SEG).writeZero(SEG)));
        write(2 * SEG);
        pair.runFor(10 * MS);
        assertThat(acks).hasSizeGreaterThanOrEqualTo(2);
        TcpSegment first = acks.get(0);
        assertThat(first.options.sackBlockCount()).isEqualTo(1);
        assertThat(first.options.sackLeft(0)).isEqualTo(dupSeq);
        assertThat(first.options.sackRight(0)).isEqualTo(dupSeq + SEG);
        assertThat(first.ack).isEqualTo(dupSeq + SEG);
        assertThat(acks.get(1).options.sackBlockCount()).as("reported once").isZero();
        assertThat(pair.counters.dsacksReceived).as("D-SACKs the client recognised").isEqualTo(1);
    }

    @Test
    void lossIsDetectedByTimeNotByCountingDuplicateAcks() throws Exception {
        establishedAndWarm();
        TcpCounters c = pair.counters;
        long dupAcksBefore = c.duplicateAcks;
        int first = pair.client.conn.sndNxt();
        List<Long> firstSegmentSends = new ArrayList<>();
        List<Long> sacksArrived = new ArrayList<>();
        pair.dropFilter = (seg, fromClient) -> {
            if (fromClient && seg.payloadLength() > 0 && seg.seq == first) {
                firstSegmentSends.add(pair.now);
                return firstSegmentSends.size() == 1; // the first of three is lost once
            }
            if (!fromClient && seg.options.sackBlockCount() > 0) {
                sacksArrived.add(pair.now + pair.oneWayDelay);
            }
            return false;
        };
        long start = pair.now;
        write(3 * SEG);
        assertThat(pair.runUntil(this::allDelivered, 5 * SEC)).isTrue();

        // Two segments after the hole: two duplicate ACKs, below DupThresh and below its SACKed-bytes rule.
        assertThat(c.duplicateAcks - dupAcksBefore).isEqualTo(2);
        assertThat(c.rackLosses).isEqualTo(1);
        assertThat(c.fastRetransmits).isEqualTo(1);
        assertThat(c.tlpProbes).isZero();
        assertThat(firstSegmentSends).hasSize(2);
        // Retransmitted one reordering window (min_RTT / 4 = 0.5 ms) after the first SACK, by the RACK timer.
        long firstSack = sacksArrived.get(0);
        assertThat(firstSack - start).isEqualTo(2 * MS);
        assertThat(firstSegmentSends.get(1) - firstSack).isEqualTo(MS / 2);
        assertByteExact();
    }

    @Test
    void rtoStillRepairsTheStreamWhenTheProbeIsLostToo() throws Exception {
        establishedAndWarm();
        TcpCounters c = pair.counters;
        long rtosBefore = c.retransmitTimeouts;
        int first = pair.client.conn.sndNxt();
        List<Long> retransmissions = new ArrayList<>();
        pair.dropFilter = (seg, fromClient) -> {
            if (!fromClient || seg.payloadLength() == 0) {
                return false;
            }
            if (Seq.ge(seg.seq, first) && !sentSeqs.add(seg.seq)) {
                retransmissions.add(pair.now);
            }
            // The path loses segment 6 and everything after it, the probe included, until the RTO's go-back-N.
            return segmentNumber(seg, first) >= 6 && c.retransmitTimeouts == rtosBefore;
        };
        long start = pair.now;
        write(10 * SEG);
        assertThat(pair.runUntil(this::allDelivered, 10 * SEC)).isTrue();

        assertThat(c.tlpProbes).as("probes sent").isEqualTo(1);
        assertThat(c.retransmitTimeouts - rtosBefore).as("retransmission timeouts").isEqualTo(1);
        assertThat(retransmissions.size()).isGreaterThanOrEqualTo(2);
        assertThat(retransmissions.get(0) - start).as("the probe, one PTO after the last ACK").isLessThan(20 * MS);
        assertThat(retransmissions.get(1) - retransmissions.get(0)).as("then the RTO, which the probe restarted")
                .isGreaterThanOrEqualTo(200 * MS);
        assertThat(pair.client.conn.state()).isEqualTo(TcpState.ESTABLISHED);
        assertByteExact();
    }

    private final java.util.Set<Integer> sentSeqs = new java.util.HashSet<>();
}
