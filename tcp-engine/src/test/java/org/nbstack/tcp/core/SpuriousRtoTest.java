package org.nbstack.tcp.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nbstack.tcp.core.congestion.CongestionAlgorithm;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * What a retransmission timeout does on two connections joined by a 1 ms wire (RTO 200 ms): one that fired
 * only because ACKs were late is found spurious by its timestamps and taken back (Eifel, RFC 3522 / RFC 4015),
 * a real loss is not; after a timeout only what the SACK scoreboard does not hold is resent (RFC 6675 §5.1);
 * and a receiver that discards data it SACKed (RFC 2018 §8 reneging) still gets the whole stream.
 */
class SpuriousRtoTest {
    private static final long MS = 1_000_000L;
    private static final long SEC = 1_000_000_000L;
    private ConnectionPair pair;
    private int seg;
    private final List<byte[]> written = new ArrayList<>();
    /** Sequence numbers of client data segments sent again after the first retransmission timeout, in order. */
    private final List<Integer> resentAfterRto = new ArrayList<>();
    private final Set<Integer> sentSeqs = new HashSet<>();
    private long rtosBefore;

    @AfterEach
    void release() {
        if (pair != null) {
            pair.close();
        }
    }

    /** Established, with one exchange of two full segments behind it so SRTT is 2 ms and the RTO 200 ms. */
    private TcpConnection establishedAndWarm(TcpConfig config) {
        pair = ConnectionPair.of(config).open();
        assertThat(pair.runUntil(() -> pair.client.established && pair.server.established, 5 * SEC)).isTrue();
        seg = pair.client.conn.sendMss();
        write(2 * seg);
        assertThat(pair.runUntil(this::allAcked, SEC)).isTrue();
        assertThat(pair.client.conn.rtoNanos()).isEqualTo(200 * MS);
        rtosBefore = pair.counters.retransmitTimeouts;
        return pair.client.conn;
    }

    private void write(int bytes) {
        byte[] b = new byte[bytes];
        new Random(written.size()).nextBytes(b);
        written.add(b);
        pair.client.write(b);
    }

    private boolean allAcked() {
        long total = written.stream().mapToLong(b -> b.length).sum();
        return pair.server.received == total && pair.client.conn.sndUna() == pair.client.conn.sndNxt();
    }

    private void assertByteExact() throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        written.forEach(d::update);
        assertThat(pair.server.digest.digest()).isEqualTo(d.digest());
    }

    private int segmentStart(int first, int number) {
        return first + (number - 1) * seg;
    }

    /**
     * Records the client's data segments; those sent again once the first timeout has fired go to
     * {@link #resentAfterRto}. {@code lost} decides which of them the wire loses.
     */
    private void recordClientData(java.util.function.Predicate<TcpSegment> lost) {
        pair.dropFilter = (s, fromClient) -> {
            if (!fromClient || s.payloadLength() == 0) {
                return false;
            }
            if (!sentSeqs.add(s.seq) && pair.counters.retransmitTimeouts > rtosBefore) {
                resentAfterRto.add(s.seq);
            }
            return lost.test(s);
        };
    }

    /** Every ACK the server sends in the next 250 ms reaches the client 300 ms from now, all together, in order. */
    private void delayAcksBeyondTheRto() {
        long from = pair.now;
        pair.extraDelay = (s, fromClient) -> !fromClient && pair.now < from + 250 * MS ? from + 300 * MS - pair.now : 0;
    }

    /** The Eifel undo works with every congestion control algorithm. */
    @ParameterizedTest
    @EnumSource(CongestionAlgorithm.class)
    void anAckDelayedBeyondTheRtoIsFoundSpuriousAndTakenBack(CongestionAlgorithm algorithm) throws Exception {
        TcpConnection client = establishedAndWarm(TcpConfig.builder().congestionControl(algorithm).build());
        TcpCounters c = pair.counters;
        int first = client.sndNxt();
        recordClientData(s -> false); // nothing is lost
        delayAcksBeyondTheRto();
        write(20 * seg); // ten go out at once, the probe sends the eleventh, the rest waits for ACKs
        pair.runFor(100 * MS);
        int cwndBefore = client.congestionWindow();
        int ssthreshBefore = client.slowStartThreshold();
        assertThat(cwndBefore).isEqualTo(10 * seg);

        assertThat(pair.runUntil(() -> c.retransmitTimeouts > rtosBefore, SEC)).isTrue();
        assertThat(client.congestionWindow()).as("the timeout's loss window").isEqualTo(seg);
        assertThat(pair.runUntil(() -> c.spuriousRtos > 0, SEC)).isTrue();
        // The first ACK echoes the original transmission's timestamp: the timeout is taken back at once.
        assertThat(client.congestionWindow()).isEqualTo(cwndBefore);
        assertThat(client.slowStartThreshold()).isEqualTo(ssthreshBefore);
        // Its echo names the original transmission, so it is a true sample of the 300 ms delay (RFC 7323 §4.1):
        // the next timeout waits for a delay like the one that fooled this one.
        assertThat(client.rtoNanos()).isGreaterThan(300 * MS);

        assertThat(pair.runUntil(this::allAcked, 5 * SEC)).isTrue();
        assertThat(c.retransmitTimeouts - rtosBefore).isEqualTo(1);
        assertThat(c.spuriousRtos).isEqualTo(1);
        // One segment resent by the timeout, none of the rest of the window (no go-back-N).
        assertThat(resentAfterRto).containsExactly(first);
        assertThat(c.retransmittedSegments).isEqualTo(1);
        assertByteExact();
    }

    @ParameterizedTest
    @EnumSource(CongestionAlgorithm.class)
    void aLossRepairedByTheRtoIsNotSpuriousAndTheWindowStaysReduced(CongestionAlgorithm algorithm) throws Exception {
        TcpConnection client = establishedAndWarm(TcpConfig.builder().congestionControl(algorithm).build());
        TcpCounters c = pair.counters;
        int first = client.sndNxt();
        // The path loses segment 6 and everything after it, the probe included, until the timeout.
        recordClientData(s -> Seq.ge(s.seq, segmentStart(first, 6)) && c.retransmitTimeouts == rtosBefore);
        write(10 * seg);
        assertThat(pair.runUntil(this::allAcked, 10 * SEC)).isTrue();

        assertThat(c.retransmitTimeouts - rtosBefore).isEqualTo(1);
        assertThat(c.spuriousRtos).isZero();
        assertThat(resentAfterRto.get(0)).isEqualTo(segmentStart(first, 6));
        // Five segments in flight at the timeout: RFC 5681 equation 4 halves them, RFC 9438 §4.8 keeps 0.7; not taken
        // back.
        assertThat(client.slowStartThreshold())
                .isEqualTo(algorithm == CongestionAlgorithm.NEWRENO ? 5 * seg / 2 : (int) (5 * seg * 0.7));
        assertThat(client.congestionWindow()).isLessThan(10 * seg);
        assertByteExact();
    }

    @Test
    void withoutTimestampsALateAckStillCostsTheWindowAndAGoBackN() throws Exception {
        TcpConnection client = establishedAndWarm(TcpConfig.builder().timestamps(false).build());
        TcpCounters c = pair.counters;
        assertThat(client.timestampsEnabled()).isFalse();
        recordClientData(s -> false);
        delayAcksBeyondTheRto();
        write(20 * seg);
        assertThat(pair.runUntil(this::allAcked, 5 * SEC)).isTrue();

        // No timestamps, no way to tell the late ACK from one for the retransmission (RFC 3522 needs them).
        assertThat(c.retransmitTimeouts - rtosBefore).isEqualTo(1);
        assertThat(c.spuriousRtos).isZero();
        assertThat(resentAfterRto.size()).as("segments resent by going back N").isGreaterThan(1);
        assertThat(client.slowStartThreshold()).isLessThan(Integer.MAX_VALUE);
        assertByteExact();
    }

    @Test
    void aTimeoutWithSackedDataAboveTheHolesResendsOnlyTheHoles() throws Exception {
        TcpConnection client = establishedAndWarm(TcpConfig.DEFAULT);
        TcpCounters c = pair.counters;
        int first = client.sndNxt();
        int third = segmentStart(first, 3);
        int seventh = segmentStart(first, 7);
        // Segments 3 and 7 are lost, and so are their fast retransmissions: only the timeout can repair them.
        recordClientData(s -> (s.seq == third || s.seq == seventh) && c.retransmitTimeouts == rtosBefore);
        write(10 * seg);
        assertThat(pair.runUntil(this::allAcked, 10 * SEC)).isTrue();

        assertThat(c.fastRetransmits).isEqualTo(1);
        assertThat(c.retransmitTimeouts - rtosBefore).isEqualTo(1);
        // The peer SACKed 4-6 and 8-10 and still holds them: the timeout resends the two holes, nothing else.
        assertThat(resentAfterRto).containsExactly(third, seventh);
        assertThat(c.spuriousRtos).as("a timeout in fast recovery is not taken back").isZero();
        assertByteExact();
    }

    @Test
    void aReceiverThatDiscardsSackedDataStillGetsTheStream() throws Exception {
        TcpConnection client = establishedAndWarm(TcpConfig.DEFAULT);
        TcpCounters c = pair.counters;
        int first = client.sndNxt();
        int third = segmentStart(first, 3);
        int fourth = segmentStart(first, 4);
        int end = segmentStart(first, 11);
        // The first transmissions of segments 3-10 are lost, but the server's first ACK claims 4-10 arrived: a
        // receiver that SACKed them and then threw them away (RFC 2018 §8 allows it).
        Set<Integer> firstSends = new HashSet<>();
        recordClientData(s -> Seq.ge(s.seq, third) && firstSends.add(s.seq));
        boolean[] lied = {false};
        pair.rewrite = (s, fromClient) -> {
            if (!fromClient && !lied[0] && s.ack == third && s.payloadLength() == 0) {
                lied[0] = true;
                return new TcpSegment(s.srcAddr, s.dstAddr, s.srcPort, s.dstPort, s.seq, s.ack, s.flags, s.window,
                        s.options.withSack(new int[] {fourth, end}), null);
            }
            return s;
        };
        write(10 * seg);
        assertThat(pair.runUntil(this::allAcked, 10 * SEC)).isTrue();

        assertThat(lied[0]).isTrue();
        assertThat(client.state()).isEqualTo(TcpState.ESTABLISHED);
        // The ACK that stopped at the SACKed segment 4 gave the lie away; RACK resent 4-10 without a timeout.
        assertThat(c.retransmitTimeouts).isEqualTo(rtosBefore);
        assertByteExact();
    }
}
