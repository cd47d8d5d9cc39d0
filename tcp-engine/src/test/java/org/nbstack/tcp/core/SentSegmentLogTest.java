package org.nbstack.tcp.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The per-segment transmit record RACK reads: splits, acknowledgments, SACK and lost marks, and its bound. */
class SentSegmentLogTest {
    private static final int BASE = -3000; // the log works across the 2^32 wrap

    private final SentSegmentLog log = new SentSegmentLog();
    private final RackState rack = new RackState();
    private final SackScoreboard scoreboard = new SackScoreboard();

    private void sendSegments(int n, int size, long at) {
        for (int i = 0; i < n; i++) {
            log.sent(BASE + i * size, BASE + (i + 1) * size, at);
        }
    }

    @Test
    void retransmissionOfPartOfASegmentSplitsItAndKeepsTheRestsTime() {
        sendSegments(3, 1000, 10);
        log.sent(BASE + 1200, BASE + 1700, 50);
        assertThat(log.size()).isEqualTo(5);
        assertThat(log.find(BASE + 1199)).isEqualTo(1);
        assertThat(log.xmitTime(1)).isEqualTo(10);
        assertThat(log.retransmitted(1)).isFalse();
        assertThat(log.start(2)).isEqualTo(BASE + 1200);
        assertThat(log.end(2)).isEqualTo(BASE + 1700);
        assertThat(log.xmitTime(2)).isEqualTo(50);
        assertThat(log.retransmitted(2)).isTrue();
        assertThat(log.xmitTime(3)).isEqualTo(10);
        assertThat(log.end(4)).isEqualTo(BASE + 3000);
    }

    @Test
    void lostBytesFollowMarksRetransmissionsSacksAndAcks() {
        sendSegments(4, 1000, 10);
        log.markLost(0);
        log.markLost(1);
        assertThat(log.lostBytes()).isEqualTo(2000);
        assertThat(log.firstLost(BASE + 4000)).isZero();
        assertThat(log.firstLost(BASE)).as("nothing lost below the limit").isEqualTo(-1);
        log.sent(BASE, BASE + 500, 20); // half of the first one goes out again
        assertThat(log.lostBytes()).isEqualTo(1500);
        scoreboard.add(BASE + 1000, BASE + 2000, BASE, BASE + 4000);
        rack.beginAck(30, false, 0);
        log.sacked(BASE + 1000, BASE + 2000, scoreboard, rack);
        assertThat(log.lostBytes()).as("a SACKed segment is not lost").isEqualTo(500);
        assertThat(log.sackedSegments()).isEqualTo(1);
        log.ackTo(BASE + 2000, rack);
        assertThat(log.lostBytes()).isZero();
        assertThat(log.sackedSegments()).isZero();
        assertThat(log.size()).isEqualTo(2);
        assertThat(log.start(0)).isEqualTo(BASE + 2000);
    }

    @Test
    void aPartialAcknowledgmentTrimsTheFirstSegment() {
        sendSegments(2, 1000, 10);
        rack.beginAck(20, false, 0);
        log.ackTo(BASE + 300, rack);
        assertThat(log.size()).isEqualTo(2);
        assertThat(log.start(0)).isEqualTo(BASE + 300);
        log.ackTo(BASE + 2000, rack);
        assertThat(log.isEmpty()).isTrue();
    }

    @Test
    void rackMarksWhatWasSentBeforeADeliveredSegmentOnceTheWindowHasPassed() {
        sendSegments(4, 1000, 1_000_000); // all four at 1 ms
        log.sent(BASE + 4000, BASE + 5000, 1_200_000); // a fifth 0.2 ms later
        scoreboard.add(BASE + 4000, BASE + 5000, BASE, BASE + 5000);
        rack.beginAck(3_200_000, false, 0); // its SACK arrives 2 ms after it was sent
        log.sacked(BASE + 4000, BASE + 5000, scoreboard, rack);
        // 0.2 ms older than the delivered one, with a 0.5 ms window: not yet lost, look again in 0.3 ms.
        assertThat(rack.detectLoss(log, 3_200_000, 500_000, BASE + 5000)).isZero();
        assertThat(rack.reorderTimeout()).isEqualTo(300_000);
        assertThat(rack.detectLoss(log, 3_500_000, 500_000, BASE + 5000)).isEqualTo(4);
        assertThat(log.lostBytes()).isEqualTo(4000);
        assertThat(rack.reorderTimeout()).isZero();
    }

    @Test
    void theLogIsBoundedAndMergesNewDataIntoItsLastEntryWhenFull() {
        for (int i = 0; i < SentSegmentLog.MAX_ENTRIES + 100; i++) {
            log.sent(BASE + i * 10, BASE + (i + 1) * 10, i);
        }
        assertThat(log.size()).isEqualTo(SentSegmentLog.MAX_ENTRIES);
        int last = log.size() - 1;
        assertThat(log.end(last)).isEqualTo(BASE + (SentSegmentLog.MAX_ENTRIES + 100) * 10);
        assertThat(log.xmitTime(last)).as("the merged entry carries the newest time").isEqualTo(SentSegmentLog.MAX_ENTRIES + 99);
        // A retransmission that would need a split marks the whole entry instead.
        log.sent(BASE + 5, BASE + 10, 1_000_000);
        assertThat(log.size()).isEqualTo(SentSegmentLog.MAX_ENTRIES);
        assertThat(log.retransmitted(0)).isTrue();
    }
}
