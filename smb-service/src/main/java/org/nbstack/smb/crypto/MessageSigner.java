package org.nbstack.smb.crypto;

import io.netty.buffer.ByteBuf;
import java.security.MessageDigest;

/**
 * Signs and verifies SMB2 messages of one session (MS-SMB2 3.1.4.1): the signature is computed over the whole message,
 * header first, with its 16-octet Signature field taken as zero. One instance per session; not thread-safe (a
 * connection processes one message at a time).
 */
public abstract sealed class MessageSigner permits HmacSha256Signer, AesCmacSigner {

    /** MS-SMB2 2.2.1.2: the Flags field and the Signature field of the header. */
    static final int FLAGS_OFFSET = 16;
    static final int SIGNATURE_OFFSET = 48;
    public static final int SIGNATURE_SIZE = 16;
    static final int HEADER_SIZE = 64;
    static final int FLAG_SIGNED = 0x8;
    private static final byte[] ZERO_SIGNATURE = new byte[SIGNATURE_SIZE];

    private final byte[] chunk = new byte[4096];

    /**
     * The signer of {@code dialect} for a session whose (NTLM exported) session key is {@code sessionKey}: HMAC-SHA256 with
     * the session key itself for 2.0.2 and 2.1, AES-128-CMAC with the derived signing key for 3.0 and 3.0.2 (MS-SMB2 3.3.5.5.3).
     */
    public static MessageSigner forDialect(int dialect, byte[] sessionKey) {
        if (sessionKey == null || sessionKey.length == 0) {
            throw new IllegalArgumentException("no session key to sign with");
        }
        byte[] key = new byte[16]; // MS-SMB2 3.3.5.5.3: the first 16 octets of the session key, zero-padded if shorter
        System.arraycopy(sessionKey, 0, key, 0, Math.min(16, sessionKey.length));
        if (dialect >= 0x0300) {
            return new AesCmacSigner(Kdf.derive(key, Kdf.SIGNING_LABEL, Kdf.SIGNING_CONTEXT));
        }
        return new HmacSha256Signer(key);
    }

    /** Sets SMB2_FLAGS_SIGNED on the one message {@code message} holds (header at its reader index) and writes its signature. */
    public final void sign(ByteBuf message) {
        int base = message.readerIndex();
        message.setIntLE(base + FLAGS_OFFSET, message.getIntLE(base + FLAGS_OFFSET) | FLAG_SIGNED);
        message.setBytes(base + SIGNATURE_OFFSET, signature(message));
    }

    /** Whether the signature in {@code message} is the one its content and this session's key give; compared in constant time. */
    public final boolean verifies(ByteBuf message) {
        if (message.readableBytes() < HEADER_SIZE) {
            return false;
        }
        byte[] given = new byte[SIGNATURE_SIZE];
        message.getBytes(message.readerIndex() + SIGNATURE_OFFSET, given);
        return MessageDigest.isEqual(given, signature(message));
    }

    /** The signature of {@code message} (readable octets, header first) with its Signature field taken as zero. */
    final byte[] signature(ByteBuf message) {
        int base = message.readerIndex();
        reset();
        feed(message, base, SIGNATURE_OFFSET);
        update(ZERO_SIGNATURE, 0, SIGNATURE_SIZE);
        feed(message, base + HEADER_SIZE, message.readableBytes() - HEADER_SIZE);
        return finish();
    }

    private void feed(ByteBuf message, int from, int length) {
        if (message.hasArray()) {
            update(message.array(), message.arrayOffset() + from, length);
            return;
        }
        for (int done = 0; done < length; ) {
            int n = Math.min(chunk.length, length - done);
            message.getBytes(from + done, chunk, 0, n);
            update(chunk, 0, n);
            done += n;
        }
    }

    abstract void reset();

    abstract void update(byte[] bytes, int offset, int length);

    /** The first 16 octets of the MAC. */
    abstract byte[] finish();
}
