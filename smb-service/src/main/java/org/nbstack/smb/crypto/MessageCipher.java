package org.nbstack.smb.crypto;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.security.SecureRandom;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.CCMBlockCipher;
import org.bouncycastle.crypto.modes.CCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * SMB 3.0/3.0.2 encryption of one session (MS-SMB2 3.1.4.3, 2.2.41): a whole message, compound or not, is carried in a
 * TRANSFORM_HEADER, encrypted with AES-128-CCM (11-octet nonce, 16-octet tag in the header's Signature field); the
 * header from its Nonce on is the authenticated data. The server decrypts with the ServerIn key and encrypts with the
 * ServerOut key, both derived from the session key (MS-SMB2 3.1.4.2). Not thread-safe: one per session.
 */
public final class MessageCipher {

    public static final int TRANSFORM_HEADER_SIZE = 52;
    public static final int PROTOCOL_ID = 0x424D53FD; // 0xFD 'S' 'M' 'B' read little-endian
    private static final int NONCE_OFFSET = 20;
    private static final int NONCE_SIZE = 11; // AES-CCM: 11 of the 16 Nonce octets, the rest zero
    private static final int TAG_SIZE = 16;
    private static final int SIZE_OFFSET = 36;
    private static final int FLAGS_OFFSET = 42;
    private static final int SESSION_OFFSET = 44;
    private static final int ENCRYPTED = 0x0001; // MS-SMB2 2.2.41 Flags: the only value 3.0.x has

    private final byte[] encryptionKey;
    private final byte[] decryptionKey;
    private final CCMModeCipher ccm = CCMBlockCipher.newInstance(AESEngine.newInstance());
    private final SecureRandom random;

    private MessageCipher(byte[] encryptionKey, byte[] decryptionKey, SecureRandom random) {
        this.encryptionKey = encryptionKey;
        this.decryptionKey = decryptionKey;
        this.random = random;
    }

    /** The server's side of the session whose session key is {@code sessionKey}. */
    public static MessageCipher server(byte[] sessionKey, SecureRandom random) {
        return new MessageCipher(Kdf.derive(sessionKey, Kdf.ENCRYPTION_LABEL, Kdf.SERVER_OUT_CONTEXT),
                Kdf.derive(sessionKey, Kdf.ENCRYPTION_LABEL, Kdf.SERVER_IN_CONTEXT), random);
    }

    /** The client's side (tests play the client with it): it encrypts with ServerIn and decrypts with ServerOut. */
    public static MessageCipher client(byte[] sessionKey, SecureRandom random) {
        return new MessageCipher(Kdf.derive(sessionKey, Kdf.ENCRYPTION_LABEL, Kdf.SERVER_IN_CONTEXT),
                Kdf.derive(sessionKey, Kdf.ENCRYPTION_LABEL, Kdf.SERVER_OUT_CONTEXT), random);
    }

    /** Whether {@code message} begins with a TRANSFORM_HEADER's ProtocolId. */
    public static boolean isTransform(ByteBuf message) {
        return message.readableBytes() >= 4 && message.getIntLE(message.readerIndex()) == PROTOCOL_ID;
    }

    /** The SessionId of a TRANSFORM_HEADER; the caller checked the message is at least a header long. */
    public static long sessionId(ByteBuf message) {
        return message.getLongLE(message.readerIndex() + SESSION_OFFSET);
    }

    /** {@code plain} (not released) in a TRANSFORM_HEADER for {@code sessionId}, with a fresh random nonce. */
    public ByteBuf encrypt(ByteBuf plain, long sessionId) {
        byte[] nonce = new byte[NONCE_SIZE];
        random.nextBytes(nonce); // 88 random bits: a repeat within one key's life is not to be expected
        return encrypt(plain, sessionId, nonce);
    }

    ByteBuf encrypt(ByteBuf plain, long sessionId, byte[] nonce) {
        int length = plain.readableBytes();
        byte[] header = new byte[TRANSFORM_HEADER_SIZE];
        ByteBuf h = Unpooled.wrappedBuffer(header).writerIndex(0);
        h.writeIntLE(PROTOCOL_ID).writeZero(TAG_SIZE).writeBytes(nonce).writeZero(16 - NONCE_SIZE).writeIntLE(length).writeShortLE(0)
                .writeShortLE(ENCRYPTED).writeLongLE(sessionId);
        byte[] in = new byte[length];
        plain.getBytes(plain.readerIndex(), in);
        byte[] out = new byte[length + TAG_SIZE];
        ccm.init(true, new AEADParameters(new KeyParameter(encryptionKey), TAG_SIZE * 8, nonce, aad(header)));
        try {
            ccm.doFinal(out, ccm.processBytes(in, 0, length, out, 0));
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("encrypting cannot fail", e);
        }
        System.arraycopy(out, length, header, 4, TAG_SIZE);
        ByteBuf message = ByteBufAllocator.DEFAULT.buffer(TRANSFORM_HEADER_SIZE + length);
        message.writeBytes(header).writeBytes(out, 0, length);
        return message;
    }

    /**
     * The SMB2 message inside {@code message} (not released), or null when it is malformed (too short, another algorithm,
     * a size that does not match) or not authentic: a wrong key, or any octet of it altered.
     */
    public ByteBuf decrypt(ByteBuf message) {
        int length = message.readableBytes() - TRANSFORM_HEADER_SIZE;
        int base = message.readerIndex();
        if (length <= 0 || message.getIntLE(base) != PROTOCOL_ID || message.getUnsignedShortLE(base + FLAGS_OFFSET) != ENCRYPTED
                || message.getIntLE(base + SIZE_OFFSET) != length) {
            return null; // MS-SMB2 3.3.5.2.1.1
        }
        byte[] header = new byte[TRANSFORM_HEADER_SIZE];
        message.getBytes(base, header);
        byte[] in = new byte[length + TAG_SIZE];
        message.getBytes(base + TRANSFORM_HEADER_SIZE, in, 0, length);
        System.arraycopy(header, 4, in, length, TAG_SIZE); // BC's CCM takes the tag after the ciphertext
        byte[] nonce = java.util.Arrays.copyOfRange(header, NONCE_OFFSET, NONCE_OFFSET + NONCE_SIZE);
        byte[] out = new byte[length];
        ccm.init(false, new AEADParameters(new KeyParameter(decryptionKey), TAG_SIZE * 8, nonce, aad(header)));
        try {
            ccm.doFinal(out, ccm.processBytes(in, 0, in.length, out, 0));
        } catch (InvalidCipherTextException notAuthentic) {
            return null;
        }
        return ByteBufAllocator.DEFAULT.buffer(length).writeBytes(out);
    }

    /** MS-SMB2 3.1.4.3: the TRANSFORM_HEADER from Nonce to SessionId is authenticated, not encrypted. */
    private static byte[] aad(byte[] header) {
        return java.util.Arrays.copyOfRange(header, NONCE_OFFSET, TRANSFORM_HEADER_SIZE);
    }
}
