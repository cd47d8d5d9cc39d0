package org.nbstack.netbios.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;

/**
 * Fuzzes the packet decoder: whatever the bytes, the only exception that may escape is the codec's
 * {@link NbssProtocolException}, and every decoded payload can be released. A plain {@code mvn verify} runs
 * the seed corpus in {@code src/test/resources/.../NbssDecoderFuzzTestInputs/decoder} (regression mode), and
 * its own surefire execution ({@code fuzz-nbss-decoder} in the pom) fuzzes it for real for 15 s with
 * {@code JAZZER_FUZZ=1}, as tcp-engine's decoders are.
 */
class NbssDecoderFuzzTest {

    @FuzzTest(maxDuration = "15s")
    void decoder(byte[] input) {
        ByteBuf in = Unpooled.wrappedBuffer(input);
        int maxMessageSize = input.length == 0 ? NbssFrames.MAX_LENGTH : (input[0] & 0xFF) * 512;
        try {
            while (in.isReadable()) {
                Object packet = NbssFrames.decode(in, Math.min(maxMessageSize, NbssFrames.MAX_LENGTH));
                if (packet == null) {
                    break;
                }
                ReferenceCountUtil.release(packet);
            }
        } catch (NbssProtocolException expected) {
            // the one error bad input may cause
        } finally {
            in.release();
        }
    }
}
