package org.nbstack.tcp.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Memory per connection end: the SACK scoreboard's interval arrays (552 bytes) exist only once SACK blocks
 * arrive. A connection that negotiated SACK and moved data without loss holds none; the first loss, reported
 * by SACK blocks, creates them and the stream is still repaired. The receiver builds its SACK blocks in the
 * shard's scratch arrays, not in 96 bytes of its own.
 */
class LazySackStateTest {
    private static final long SEC = 1_000_000_000L;
    private static final int SEG = 1448;
    private ConnectionPair pair;

    @AfterEach
    void release() {
        pair.close();
    }

    private void write(int bytes) {
        byte[] b = new byte[bytes];
        new Random(bytes).nextBytes(b);
        pair.client.write(b);
    }

    @Test
    void noScoreboardArraysUntilTheFirstSackBlockArrives() {
        pair = ConnectionPair.of(TcpConfig.DEFAULT).open();
        assertThat(pair.runUntil(() -> pair.client.established && pair.server.established, 5 * SEC)).isTrue();
        assertThat(pair.client.conn.sackEnabled()).isTrue();
        write(20 * SEG);
        assertThat(pair.runUntil(() -> pair.server.received == 20 * SEG, 5 * SEC)).isTrue();
        assertThat(pair.client.conn.scoreboard.holdsIntervals()).as("sender, no loss").isFalse();
        assertThat(pair.server.conn.scoreboard.holdsIntervals()).as("receiver").isFalse();

        int first = pair.client.conn.sndNxt();
        int[] drops = {0};
        pair.dropFilter = (seg, fromClient) -> fromClient && seg.seq == first + 2 * SEG && drops[0]++ == 0;
        write(10 * SEG);
        assertThat(pair.runUntil(() -> pair.server.received == 30 * SEG, 5 * SEC)).isTrue();
        assertThat(drops[0]).as("the third segment was lost once").isGreaterThanOrEqualTo(2);
        assertThat(pair.client.conn.scoreboard.holdsIntervals()).as("sender after SACK blocks arrived").isTrue();
        assertThat(pair.server.conn.scoreboard.holdsIntervals()).as("the receiver still sent nothing SACKed").isFalse();
        assertThat(pair.server.conn.rcv.sackEdges()).as("the SACK option was built in the shard's scratch space")
                .isSameAs(pair.resources.sackEdges()).isSameAs(pair.client.conn.rcv.sackEdges());
    }
}
