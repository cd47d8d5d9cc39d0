package org.nbstack.smb.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Keys and signatures against values computed independently, with impacket's {@code crypto.KDF_CounterMode},
 * {@code crypto.AES_CMAC} and Python's {@code hmac}, for the session key 00 01 .. 0f.
 */
class MessageSignerTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] SESSION_KEY = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
    /** A request header (flags SIGNED, signature zero) and 100 octets 00 .. 63. */
    private static final String MESSAGE = "fe534d4240000100000000000800010008000000000000000700000000000000fffe000003000000"
            + "887766554433221100000000000000000000000000000000000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
            + "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758"
            + "595a5b5c5d5e5f60616263";

    @Test
    void derivedKeysMatchMsSmb2Kdf() {
        assertThat(HEX.formatHex(Kdf.derive(SESSION_KEY, Kdf.SIGNING_LABEL, Kdf.SIGNING_CONTEXT)))
                .isEqualTo("6234814cbb8ea9227440ebfeb5eacbe1");
        assertThat(HEX.formatHex(Kdf.derive(SESSION_KEY, Kdf.ENCRYPTION_LABEL, Kdf.SERVER_IN_CONTEXT)))
                .isEqualTo("8e21f3cae16d07d84c03d74467f57878");
        assertThat(HEX.formatHex(Kdf.derive(SESSION_KEY, Kdf.ENCRYPTION_LABEL, Kdf.SERVER_OUT_CONTEXT)))
                .isEqualTo("95d8b55c852cd25349994b3842fa4105");
    }

    @Test
    void dialect2xSignsWithHmacSha256OfTheSessionKey() {
        assertThat(signed(0x0210, Unpooled.wrappedBuffer(HEX.parseHex(MESSAGE)))).isEqualTo("a307c21f537a755996e9150de7d062bb");
        assertThat(signed(0x0202, Unpooled.wrappedBuffer(HEX.parseHex(MESSAGE)))).isEqualTo("a307c21f537a755996e9150de7d062bb");
    }

    @Test
    void dialect3xSignsWithAesCmacOfTheDerivedKey() {
        assertThat(signed(0x0300, Unpooled.wrappedBuffer(HEX.parseHex(MESSAGE)))).isEqualTo("b13b13932f830e459df811a92d95b821");
        assertThat(signed(0x0302, Unpooled.wrappedBuffer(HEX.parseHex(MESSAGE)))).isEqualTo("b13b13932f830e459df811a92d95b821");
    }

    @Test
    void aDirectBufferAtAnOffsetSignsTheSame() {
        byte[] message = HEX.parseHex(MESSAGE);
        ByteBuf direct = Unpooled.directBuffer().writeZero(7).writeBytes(message);
        direct.readerIndex(7);
        assertThat(signed(0x0302, direct)).isEqualTo("b13b13932f830e459df811a92d95b821");
    }

    @Test
    void signingSetsTheSignedFlagAndIgnoresWhateverSignatureWasThere() {
        byte[] message = HEX.parseHex(MESSAGE);
        message[16] = 0; // no SIGNED flag
        message[50] = 0x55; // garbage where the signature goes
        ByteBuf buf = Unpooled.wrappedBuffer(message);
        MessageSigner.forDialect(0x0302, SESSION_KEY).sign(buf);
        assertThat(buf.getIntLE(16) & 0x8).isEqualTo(0x8);
        assertThat(HEX.formatHex(ByteBufUtil.getBytes(buf, 48, 16))).isEqualTo("b13b13932f830e459df811a92d95b821");
    }

    @Test
    void aSignedMessageVerifiesAndAnyFlippedOctetDoesNot() {
        for (int dialect : new int[] {0x0202, 0x0302}) {
            MessageSigner signer = MessageSigner.forDialect(dialect, SESSION_KEY);
            ByteBuf buf = Unpooled.wrappedBuffer(HEX.parseHex(MESSAGE));
            signer.sign(buf);
            assertThat(signer.verifies(buf)).isTrue();
            for (int i = 0; i < buf.readableBytes(); i++) {
                buf.setByte(i, buf.getByte(i) ^ 0x01);
                assertThat(signer.verifies(buf)).as("dialect %x, octet %d flipped", dialect, i).isFalse();
                buf.setByte(i, buf.getByte(i) ^ 0x01);
            }
            assertThat(MessageSigner.forDialect(dialect, HEX.parseHex("0f0e0d0c0b0a09080706050403020100")).verifies(buf)).isFalse();
        }
    }

    private static String signed(int dialect, ByteBuf message) {
        byte[] signature = MessageSigner.forDialect(dialect, SESSION_KEY).signature(message);
        message.release();
        return HEX.formatHex(signature);
    }
}
