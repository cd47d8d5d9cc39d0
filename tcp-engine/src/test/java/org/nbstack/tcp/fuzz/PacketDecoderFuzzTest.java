package org.nbstack.tcp.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.nbstack.tcp.wire.DropCounters;
import org.nbstack.tcp.wire.PacketCodec;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * Whatever the bytes, the IPv4/TCP decoder returns a segment or null (the reason counted) and never
 * throws; a segment it accepts encodes back to a packet that decodes to the same segment. A plain
 * {@code mvn verify} replays the corpus in src/test/resources/.../PacketDecoderFuzzTestInputs; bin/test also
 * fuzzes for real for a few seconds (the fuzz-* executions in tcp-engine/pom.xml); {@code bin/fuzz} longer.
 */
class PacketDecoderFuzzTest {

    @FuzzTest(maxDuration = "15s")
    void decode(byte[] input) {
        ByteBuf packet = Unpooled.wrappedBuffer(input);
        DropCounters drops = new DropCounters();
        TcpSegment seg = PacketCodec.decode(packet, drops);
        try {
            if (seg == null) {
                if (drops.total() != 1) {
                    throw new AssertionError("a dropped packet must be counted exactly once, counted " + drops.total());
                }
                return;
            }
            ByteBuf again = PacketCodec.encode(seg, io.netty.buffer.UnpooledByteBufAllocator.DEFAULT);
            TcpSegment copy = PacketCodec.decode(again, drops);
            try {
                if (copy == null || copy.seq != seg.seq || copy.ack != seg.ack || copy.flags != seg.flags
                        || copy.window != seg.window || !copy.options.equals(seg.options)
                        || !copy.payload.equals(seg.payload)) {
                    throw new AssertionError("re-encoding changed the segment: " + seg + " -> " + copy);
                }
            } finally {
                again.release();
                if (copy != null) {
                    copy.release();
                }
            }
        } finally {
            if (seg != null) {
                seg.release();
            }
            packet.release();
        }
    }
}
