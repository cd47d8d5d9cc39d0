package org.nbstack.tcp.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Whatever order, duplication and overlap the pieces of a stream arrive in, the reassembly queue hands
 * out exactly the stream, and its SACK blocks describe exactly what it holds.
 */
class ReassemblyQueuePropertiesTest {

    @Property(tries = 300)
    void anyArrivalOrderYieldsTheStream(@ForAll long seed, @ForAll @IntRange(min = 1, max = 40) int pieces,
            @ForAll int baseSeq) {
        Random random = new Random(seed);
        byte[] stream = new byte[pieces * 100];
        random.nextBytes(stream);
        // Overlapping, duplicated pieces covering the stream.
        List<int[]> ranges = new ArrayList<>();
        for (int i = 0; i < pieces; i++) {
            int start = i * 100 - random.nextInt(50);
            int end = (i + 1) * 100 + random.nextInt(50);
            ranges.add(new int[] {Math.max(0, start), Math.min(stream.length, end)});
            if (random.nextInt(4) == 0) {
                ranges.add(new int[] {Math.max(0, start), Math.min(stream.length, end)});
            }
        }
        Collections.shuffle(ranges, random);
        ShardResources resources = ShardResources.of(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, new TcpCounters());
        ReassemblyQueue q = new ReassemblyQueue(resources);
        int rcvNxt = baseSeq;
        ByteBuf out = Unpooled.buffer(stream.length);
        int[] edges = new int[8];
        try {
            for (int[] r : ranges) {
                ByteBuf piece = Unpooled.wrappedBuffer(stream, r[0], r[1] - r[0]);
                int seq = baseSeq + r[0];
                if (Seq.le(seq + piece.readableBytes(), rcvNxt)) {
                    piece.release();
                    continue;
                }
                assertThat(q.insert(seq, piece, Integer.MAX_VALUE)).isTrue();
                ByteBuf next;
                while ((next = q.pollInOrder(rcvNxt)) != null) {
                    rcvNxt += next.readableBytes();
                    out.writeBytes(next);
                    next.release();
                }
                assertThat(resources.bufferedBytes()).as("memory account").isEqualTo(q.chargedBytes());
                int blocks = q.sackBlocks(edges, 4);
                long covered = 0;
                for (int b = 0; b < blocks; b++) {
                    assertThat(Seq.gt(edges[2 * b], rcvNxt)).as("a SACK block lies beyond RCV.NXT").isTrue();
                    covered += edges[2 * b + 1] - edges[2 * b];
                }
                if (blocks < 4) {
                    assertThat(covered).as("blocks cover exactly what is held").isEqualTo(q.bytes());
                }
            }
            assertThat(q.isEmpty()).isTrue();
            assertThat(rcvNxt - baseSeq).isEqualTo(stream.length);
            byte[] got = new byte[out.readableBytes()];
            out.readBytes(got);
            assertThat(got).isEqualTo(stream);
        } finally {
            q.releaseAll();
            out.release();
        }
    }

    @Property(tries = 100)
    void neverHoldsMoreThanItsBound(@ForAll @IntRange(min = 0, max = 5000) int bound, @ForAll long seed) {
        Random random = new Random(seed);
        ShardResources resources = ShardResources.of(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, new TcpCounters());
        ReassemblyQueue q = new ReassemblyQueue(resources);
        try {
            for (int i = 0; i < 50; i++) {
                int len = 1 + random.nextInt(500);
                q.insert(1000 + random.nextInt(20_000), Unpooled.buffer(len).writeZero(len), bound);
                assertThat(q.bytes()).isLessThanOrEqualTo(bound);
                assertThat(q.chargedBytes()).isLessThanOrEqualTo(2L * bound);
                assertThat(resources.bufferedBytes()).isEqualTo(q.chargedBytes());
            }
            q.releaseAll();
            assertThat(resources.bufferedBytes()).isZero();
        } finally {
            q.releaseAll();
        }
    }
}
