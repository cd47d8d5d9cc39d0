package org.nbstack.tcp.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.core.ConnectionId;

/** RFC 6528 initial sequence numbers: a 4 us clock plus a keyed hash of the 4-tuple. */
class ConnectionSecretsTest {
    private static final ConnectionId TUPLE = new ConnectionId(0x0a000001, 40000, 0x0a000002, 139);

    @Test
    void sameTupleAdvancesWithTheFourMicrosecondClock() {
        ConnectionSecrets s = new ConnectionSecrets(new SplittableRandom(1));
        int first = s.initialSequenceNumber(TUPLE, 0);
        int oneSecondLater = s.initialSequenceNumber(TUPLE, 1_000_000_000L);
        assertThat(oneSecondLater - first).isEqualTo(250_000);
    }

    @Test
    void differentTuplesAndDifferentSecretsGiveUnrelatedNumbers() {
        ConnectionSecrets s = new ConnectionSecrets(new SplittableRandom(1));
        Set<Integer> isns = new HashSet<>();
        for (int port = 40000; port < 41000; port++) {
            isns.add(s.initialSequenceNumber(new ConnectionId(0x0a000001, port, 0x0a000002, 139), 0));
        }
        assertThat(isns).hasSize(1000);
        ConnectionSecrets other = new ConnectionSecrets(new SplittableRandom(2));
        assertThat(other.initialSequenceNumber(TUPLE, 0)).isNotEqualTo(s.initialSequenceNumber(TUPLE, 0));
    }

    @Test
    void timestampOffsetIsStablePerAddressPair() {
        ConnectionSecrets s = new ConnectionSecrets(new SplittableRandom(3));
        assertThat(s.timestampOffset(1, 2)).isEqualTo(s.timestampOffset(1, 2));
        assertThat(s.timestampOffset(1, 2)).isNotEqualTo(s.timestampOffset(1, 3));
    }
}
