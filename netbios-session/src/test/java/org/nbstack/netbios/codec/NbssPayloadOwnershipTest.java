package org.nbstack.netbios.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.WrappedByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SESSION MESSAGE's payload is handed to a handler that reads it on another thread (the SMB service writes a
 * WRITE request's data to its file from a virtual thread) while the event loop goes on appending received bytes to
 * the decoder's cumulation. The payload must therefore share nothing with that cumulation.
 */
class NbssPayloadOwnershipTest {

    private static final int PAYLOAD = 300;

    @TempDir
    Path tmp;

    @Test
    void aDecodedPayloadOwnsItsOctets() {
        ByteBuf wire = Packets.bytes(0x00, 0x00, 0x00, 0x03, 'a', 'b', 'c');
        SessionMessage message = (SessionMessage) NbssFrames.decode(wire, NbssFrames.MAX_LENGTH);
        assertThat(wire.refCnt()).as("the input is not retained by the payload").isEqualTo(1);
        wire.setBytes(4, new byte[] {'x', 'y', 'z'}); // the decoder's cumulation is reused for later input
        wire.release();
        assertThat(message.content().toString(StandardCharsets.US_ASCII)).isEqualTo("abc");
        message.release();
    }

    /**
     * The interleaving that broke 100 MiB puts under load, made deterministic: the handler's thread writes the first
     * payload to a file exactly while the event loop copies the next received bytes into the cumulation. When the
     * payload was a slice of the cumulation, both went through the cumulation's one internal NIO buffer, the file
     * write reset its position, and the received bytes landed at the cumulation's start: the next frame came out as
     * stale bytes (a protocol error, or an earlier request decoded again) and the payload still being read changed.
     */
    @Test
    void receivedBytesLandInPlaceWhileAnotherThreadWritesAPayloadToAFile() throws IOException {
        EmbeddedChannel channel = new EmbeddedChannel(new NbssFrameDecoder(NbssFrames.MAX_LENGTH));
        byte[] first = filled('A');
        byte[] second = filled('B');
        ByteBuf received = new AdaptiveByteBufAllocator().directBuffer(4096); // the cumulation, room to append in place
        received.writeBytes(header(PAYLOAD)).writeBytes(first).writeBytes(header(PAYLOAD), 0, 2);
        channel.writeInbound(received);
        SessionMessage firstMessage = channel.readInbound();
        try (FileChannel file = FileChannel.open(tmp.resolve("first"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuf rest = Unpooled.buffer().writeBytes(header(PAYLOAD), 2, 2).writeBytes(second);
            channel.writeInbound(new DuringCopy(rest, () -> writeTo(file, firstMessage.content())));
        }
        SessionMessage secondMessage = channel.readInbound();
        assertThat(secondMessage).as("the second frame decodes").isNotNull();
        assertThat(ByteBufUtil.getBytes(secondMessage.content())).isEqualTo(second);
        assertThat(ByteBufUtil.getBytes(firstMessage.content())).isEqualTo(first);
        assertThat(Files.readAllBytes(tmp.resolve("first"))).isEqualTo(first);
        firstMessage.release();
        secondMessage.release();
        assertThat(channel.finish()).isFalse();
    }

    private static void writeTo(FileChannel file, ByteBuf payload) {
        try {
            payload.getBytes(payload.readerIndex(), file, 0, payload.readableBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] filled(char c) {
        byte[] bytes = new byte[PAYLOAD];
        Arrays.fill(bytes, (byte) c);
        return bytes;
    }

    private static byte[] header(int length) {
        return new byte[] {0x00, 0x00, (byte) (length >> 8), (byte) length};
    }

    /** Received bytes that run {@code meanwhile} at the moment the cumulator copies them (as a thread switch would). */
    private static final class DuringCopy extends WrappedByteBuf {
        private final Runnable meanwhile;

        DuringCopy(ByteBuf bytes, Runnable meanwhile) {
            super(bytes);
            this.meanwhile = meanwhile;
        }

        @Override
        public ByteBuffer nioBuffer(int index, int length) {
            meanwhile.run();
            return super.nioBuffer(index, length);
        }
    }
}
