package org.nbstack.smb.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * AES-128-CCM in a TRANSFORM_HEADER against a message encrypted independently (pycryptodome's AES CCM with impacket's
 * ServerIn key of the session key 00 01 .. 0f, nonce a0 .. aa, session 0x1122334455667788).
 */
class MessageCipherTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] SESSION_KEY = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
    private static final byte[] NONCE = HEX.parseHex("a0a1a2a3a4a5a6a7a8a9aa");
    private static final String PLAIN = "fe534d4240000100000000000800010008000000000000000700000000000000fffe000003000000"
            + "887766554433221100000000000000000000000000000000000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
            + "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758"
            + "595a5b5c5d5e5f60616263";
    private static final String ENCRYPTED = "fd534d428a7fa06985df3f8498176f98a806dd5ea0a1a2a3a4a5a6a7a8a9aa0000000000a400000000000100"
            + "88776655443322119e0b15b42533dc74b29b40a1723bb18e3bd65aad00be423be7d044d8a5826144049f1c688e271cc22a7d14e2ecc233abaf6317"
            + "ac872ff3a763ec9cc04864ec81fc6fb2220cdc8c1d4501cdde2e4f7834eb775dfaf4ab6cfee80275d82c30acc7b15a358861d0ec10242125d5d347"
            + "c8f4871a8d6b7f4b68207aa1fc0ce3fc38dec773daa25baa4a5c10ca816a34264ab141d935014c015aeb5e1c000783d55a86d055bb3e";

    @Test
    void theClientsEncryptionMatchesAnIndependentOneAndTheServerDecryptsIt() {
        ByteBuf encrypted = MessageCipher.client(SESSION_KEY, new SecureRandom()).encrypt(Unpooled.wrappedBuffer(HEX.parseHex(PLAIN)),
                0x1122334455667788L, NONCE);
        assertThat(ByteBufUtil.hexDump(encrypted)).isEqualTo(ENCRYPTED);
        encrypted.release();
        ByteBuf plain = MessageCipher.server(SESSION_KEY, new SecureRandom()).decrypt(Unpooled.wrappedBuffer(HEX.parseHex(ENCRYPTED)));
        assertThat(ByteBufUtil.hexDump(plain)).isEqualTo(PLAIN);
        plain.release();
    }

    @Test
    void whatTheServerEncryptsOnlyTheClientDecrypts() {
        MessageCipher server = MessageCipher.server(SESSION_KEY, new SecureRandom());
        ByteBuf encrypted = server.encrypt(Unpooled.wrappedBuffer(HEX.parseHex(PLAIN)), 7);
        assertThat(MessageCipher.isTransform(encrypted)).isTrue();
        assertThat(MessageCipher.sessionId(encrypted)).isEqualTo(7);
        assertThat(server.decrypt(encrypted)).as("ServerOut is not ServerIn").isNull();
        ByteBuf plain = MessageCipher.client(SESSION_KEY, new SecureRandom()).decrypt(encrypted);
        assertThat(ByteBufUtil.hexDump(plain)).isEqualTo(PLAIN);
        plain.release();
        encrypted.release();
    }

    @Test
    void anyAlteredOctetFromTheTagOnMakesTheMessageNotAuthentic() {
        MessageCipher server = MessageCipher.server(SESSION_KEY, new SecureRandom());
        byte[] message = HEX.parseHex(ENCRYPTED);
        for (int i = 4; i < message.length; i++) {
            message[i] ^= 0x01;
            assertThat(server.decrypt(Unpooled.wrappedBuffer(message))).as("octet %d flipped", i).isNull();
            message[i] ^= 0x01;
        }
        assertThat(server.decrypt(Unpooled.wrappedBuffer(message, 0, MessageCipher.TRANSFORM_HEADER_SIZE))).as("header only").isNull();
    }
}
