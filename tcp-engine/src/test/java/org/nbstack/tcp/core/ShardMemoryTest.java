package org.nbstack.tcp.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Seed 004 class inside TCP: the policy that shares a shard's memory between its connections. Exact byte counts:
 * reserves are guaranteed and bounded, a connection above its fair share is refused under pressure while one
 * below it still grows, and the largest holder's out-of-order queue is pruned first.
 */
class ShardMemoryTest {
    private static final int KIB = 1024;
    private static final int MIN = 8 * KIB;

    private final TcpCounters counters = new TcpCounters();
    private final List<String> pruned = new ArrayList<>();

    /** An account whose "out-of-order queue" is the receive charge, released entirely when pruned. */
    private MemoryAccount open(ShardMemory memory, String name) {
        MemoryAccount[] self = new MemoryAccount[1];
        self[0] = memory.open(() -> {
            pruned.add(name);
            self[0].receiveCharged(-self[0].receive());
        });
        return self[0];
    }

    @Test
    void reservesAreBoundedByTheLimitAndReturnedWhenAConnectionEnds() {
        ShardMemory memory = new ShardMemory(64 * KIB, MIN, MIN, counters);
        List<MemoryAccount> accounts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            assertThat(memory.admitsConnection()).as("reserve %d of 4 fits", i + 1).isTrue();
            accounts.add(open(memory, "c" + i));
        }
        assertThat(memory.reserved()).isEqualTo(64 * KIB);
        assertThat(memory.admitsConnection()).as("a fifth reserve would exceed the limit").isFalse();
        accounts.get(0).close();
        assertThat(memory.reserved()).isEqualTo(48 * KIB);
        assertThat(memory.admitsConnection()).isTrue();
        assertThatThrownBy(() -> new ShardMemory(10 * KIB, MIN, MIN, counters))
                .hasMessageContaining("must hold at least one connection's minimums");
    }

    @Test
    void theReserveIsUsableWhenThePoolIsExhausted() {
        ShardMemory memory = new ShardMemory(160 * KIB, MIN, MIN, counters);
        MemoryAccount hog = open(memory, "hog");
        MemoryAccount quiet = open(memory, "quiet");
        hog.sendCharged(8 * KIB + 128 * KIB); // its reserve and the whole shared part (160 - 2 x 16 KiB)
        assertThat(memory.sharedUsed()).isEqualTo(128 * KIB);
        assertThat(hog.sendRoom()).as("over its share, nothing shared left").isZero();
        assertThat(quiet.sendRoom()).as("the quiet connection can still queue its minimum").isEqualTo(MIN);
        assertThat(quiet.mayReceive(MIN)).as("and hold its minimum of out-of-order data").isTrue();
        assertThat(quiet.mayReceive(MIN + 1)).as("send data is never pruned, so nothing more").isFalse();
        assertThat(memory.used()).isEqualTo(136 * KIB);
    }

    @Test
    void underPressureOnlyConnectionsBelowTheirFairShareGrow() {
        // Limit 160 KiB, two connections: reserves 32 KiB, shared 128 KiB of which 112 KiB may be grown into (one more
        // reserve stays free for the next connection), pressure from 96 KiB, fair share 80 KiB.
        ShardMemory memory = new ShardMemory(160 * KIB, MIN, MIN, counters);
        MemoryAccount big = open(memory, "big");
        MemoryAccount small = open(memory, "small");
        assertThat(big.mayReceive(MIN + 96 * KIB)).as("up to the pressure point anyone may grow").isTrue();
        big.receiveCharged(MIN + 96 * KIB);
        assertThat(big.mayReceive(1)).as("under pressure and above its fair share of 80 KiB").isFalse();
        assertThat(big.sendRoom()).as("its writers see no space beyond the send reserve").isEqualTo(MIN);
        assertThat(small.mayReceive(MIN + 16 * KIB)).as("below its share it takes the rest of the shared part").isTrue();
        assertThat(pruned).as("which was free: nothing pruned").isEmpty();
        assertThat(small.sendRoom()).as("beyond that, the hoarder above its share makes room: 8 KiB + 96 KiB")
                .isEqualTo(MIN + 96 * KIB);
        assertThat(pruned).containsExactly("big");
    }

    @Test
    void aWriterHoldingAllItMayCannotKeepTheNextConnectionOut() {
        // A writer whose peer vanished keeps its queue until it times out; its send data is never pruned.
        ShardMemory memory = new ShardMemory(128 * KIB, MIN, MIN, counters);
        MemoryAccount writer = open(memory, "writer");
        long room = writer.sendRoom();
        assertThat(room).as("alone, it may grow into all but one more connection's reserve").isEqualTo(128 * KIB - 3 * MIN);
        writer.sendCharged(room);
        assertThat(memory.admitsConnection()).as("the next connection still gets its reserve").isTrue();
        MemoryAccount next = open(memory, "next");
        assertThat(next.sendRoom()).as("and can send within it").isEqualTo(MIN);
        assertThat(memory.used()).isLessThanOrEqualTo(memory.limit() - 2 * MIN);
    }

    @Test
    void theLargestHolderAboveItsFairShareIsPrunedFirstForAConnectionBelowIt() {
        // Limit 256 KiB, four connections: reserves 64 KiB, shared 192 KiB, pressure from 144 KiB, fair share 64 KiB.
        ShardMemory memory = new ShardMemory(256 * KIB, MIN, MIN, counters);
        MemoryAccount large = open(memory, "large");
        MemoryAccount medium = open(memory, "medium");
        MemoryAccount sender = open(memory, "sender");
        MemoryAccount healthy = open(memory, "healthy");
        large.receiveCharged(MIN + 100 * KIB);
        medium.receiveCharged(MIN + 70 * KIB);
        sender.sendCharged(MIN + 20 * KIB);
        assertThat(memory.sharedUsed()).isEqualTo(190 * KIB);
        assertThat(healthy.mayReceive(MIN)).as("within its reserve: no pruning").isTrue();
        assertThat(pruned).isEmpty();
        healthy.receiveCharged(MIN);
        assertThat(healthy.mayReceive(40 * KIB)).as("below its fair share: room is made").isTrue();
        assertThat(pruned).as("only the largest holder had to go").containsExactly("large");
        assertThat(counters.outOfOrderPruned).isEqualTo(1);
        assertThat(counters.outOfOrderPrunedBytes).isEqualTo(MIN + 100 * KIB);
        assertThat(large.usage()).isZero();
        assertThat(medium.usage()).isEqualTo(MIN + 70 * KIB);
    }

    @Test
    void aConnectionAboveItsShareNeverPrunesOthers() {
        ShardMemory memory = new ShardMemory(256 * KIB, MIN, MIN, counters);
        MemoryAccount first = open(memory, "first");
        MemoryAccount second = open(memory, "second");
        open(memory, "third");
        open(memory, "fourth");
        first.receiveCharged(MIN + 140 * KIB);
        second.receiveCharged(MIN + 4 * KIB);
        assertThat(first.mayReceive(60 * KIB)).isFalse();
        assertThat(second.mayReceive(80 * KIB)).as("64 KiB fair share: above it after the grant").isFalse();
        assertThat(pruned).isEmpty();
        assertThat(counters.outOfOrderPruned).isZero();
    }

    @Test
    void aNewConnectionIsAdmittedByPruningAnOutOfOrderHoarder() {
        ShardMemory memory = new ShardMemory(64 * KIB, MIN, MIN, counters);
        MemoryAccount hoarder = open(memory, "hoarder");
        open(memory, "other");
        hoarder.receiveCharged(MIN + 12 * KIB);
        assertThat(memory.admitsConnection()).as("a 16 KiB reserve fits beside 32 + 12 KiB").isTrue();
        open(memory, "third");
        assertThat(memory.admitsConnection()).as("only by pruning the hoarder").isTrue();
        assertThat(pruned).containsExactly("hoarder");
    }
}
