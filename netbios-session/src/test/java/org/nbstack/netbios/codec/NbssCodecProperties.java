package org.nbstack.netbios.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.nbstack.netbios.name.NetbiosName;

class NbssCodecProperties {

    @Property
    void everyValidSessionRequestRoundTrips(@ForAll("names") NetbiosName called, @ForAll("names") NetbiosName calling) {
        SessionRequest request = new SessionRequest(called, calling);
        assertThat(Packets.decodeAndRelease(Packets.wire(request), NbssFrames.MAX_LENGTH)).isEqualTo(request);
    }

    @Property(tries = 200)
    void everyMessageLengthRoundTripsThroughTheHeader(@ForAll @IntRange(min = 0, max = NbssFrames.MAX_LENGTH) int length) {
        ByteBuf header = Unpooled.buffer(4);
        NbssFrames.writeHeader(PacketType.SESSION_MESSAGE, length, header);
        assertThat((header.getUnsignedByte(1) & 1) << 16 | header.getUnsignedShort(2)).isEqualTo(length);
        assertThat((int) header.getUnsignedByte(1) & 0xFE).isZero();
        header.release();
    }

    @Property
    void arbitraryInputEitherDecodesOrFailsWithTheProtocolError(@ForAll @Size(max = 120) List<Byte> octets) {
        ByteBuf in = Unpooled.buffer(octets.size());
        octets.forEach(in::writeByte);
        try {
            while (in.isReadable()) {
                Object packet = NbssFrames.decode(in, 64);
                if (packet == null) {
                    break;
                }
                ReferenceCountUtil.release(packet);
            }
        } catch (NbssProtocolException expected) {
            assertThat(expected.reason()).isNotNull();
        } finally {
            in.release();
        }
    }

    @Provide
    Arbitrary<NetbiosName> names() {
        Arbitrary<String> name = Arbitraries.strings().withCharRange((char) 0x21, (char) 0xFF).ofMaxLength(15);
        Arbitrary<Integer> suffix = Arbitraries.integers().between(0, 255);
        Arbitrary<String> label = Arbitraries.strings().withCharRange('!', '~').excludeChars('.').ofMinLength(1).ofMaxLength(63);
        Arbitrary<String> scope = label.list().ofMaxSize(4).map(labels -> String.join(".", labels))
                .filter(s -> s.length() + 35 <= NetbiosName.MAX_ENCODED_LENGTH);
        return Combinators.combine(name, suffix, scope).as(NetbiosName::of);
    }
}
