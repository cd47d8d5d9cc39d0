package org.nbstack.tcp.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The sender's SACK scoreboard and the RFC 6675 loss rule, including across the sequence wrap. */
class SackScoreboardTest {
    private static final int UNA = -2500; // 2^32 - 2500: the blocks below straddle the wrap

    @Test
    void blocksMergeAndAreClippedToTheFlight() {
        SackScoreboard s = new SackScoreboard();
        s.add(UNA + 1000, UNA + 2000, UNA, UNA + 10_000);
        s.add(UNA + 3000, UNA + 4000, UNA, UNA + 10_000);
        s.add(UNA + 2000, UNA + 3000, UNA, UNA + 10_000); // fills the gap: one interval
        assertThat(s.intervals()).isEqualTo(1);
        assertThat(s.sackedBytes()).isEqualTo(3000);
        s.add(UNA - 500, UNA + 500, UNA, UNA + 10_000); // below SND.UNA: clipped
        s.add(UNA + 9_500, UNA + 12_000, UNA, UNA + 10_000); // beyond SND.MAX: clipped
        assertThat(s.sackedBytes()).isEqualTo(3000 + 500 + 500);
    }

    @Test
    void holesAreFoundBetweenSackedBlocks() {
        SackScoreboard s = new SackScoreboard();
        s.add(UNA + 1000, UNA + 2000, UNA, UNA + 10_000);
        s.add(UNA + 3000, UNA + 3001, UNA, UNA + 10_000);
        assertThat(s.nextUnsacked(UNA, UNA + 1000)).isEqualTo(UNA);
        assertThat(s.holeEnd(UNA, UNA + 10_000)).isEqualTo(UNA + 1000);
        assertThat(s.nextUnsacked(UNA + 1000, UNA + 10_000)).as("the first byte after the SACKed block").isEqualTo(UNA + 2000);
        assertThat(s.holeEnd(UNA + 2000, UNA + 10_000)).isEqualTo(UNA + 3000);
    }

    @Test
    void unsackedBytesSkipEverySackedBlock() {
        SackScoreboard s = new SackScoreboard();
        s.add(UNA + 1000, UNA + 1100, UNA, UNA + 10_000);
        s.add(UNA + 2000, UNA + 2100, UNA, UNA + 10_000);
        s.add(UNA + 3000, UNA + 3100, UNA, UNA + 10_000);
        assertThat(s.unsackedBetween(UNA, UNA + 4000)).isEqualTo(4000 - 300);
    }

    @Test
    void cumulativeAckForgetsWhatItCovers() {
        SackScoreboard s = new SackScoreboard();
        s.add(UNA + 1000, UNA + 2000, UNA, UNA + 10_000);
        s.add(UNA + 3000, UNA + 4000, UNA, UNA + 10_000);
        s.ackTo(UNA + 3500);
        assertThat(s.intervals()).isEqualTo(1);
        assertThat(s.sackedBytes()).isEqualTo(500);
    }

    @Test
    void staysBoundedWhenBlocksKeepComing() {
        SackScoreboard s = new SackScoreboard();
        for (int i = 0; i < 1000; i++) {
            s.add(UNA + 10 * i + 5, UNA + 10 * i + 8, UNA, UNA + 100_000);
        }
        assertThat(s.intervals()).isLessThanOrEqualTo(SackScoreboard.MAX_INTERVALS);
    }
}
