package org.nbstack.smb.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key derivation of MS-SMB2 3.1.4.2: NIST SP800-108 in counter mode with HMAC-SHA256, r = 32, L = 128, one round:
 * {@code HMAC-SHA256(Ki, 1 || Label || 0x00 || Context || 128)}, the first 16 octets.
 */
public final class Kdf {

    /** MS-SMB2 3.1.4.2: the labels and contexts of the 3.0 and 3.0.2 dialects, each with its trailing NUL. */
    public static final byte[] SIGNING_LABEL = ascii("SMB2AESCMAC\0");
    public static final byte[] SIGNING_CONTEXT = ascii("SmbSign\0");
    public static final byte[] ENCRYPTION_LABEL = ascii("SMB2AESCCM\0");
    /** The key the client encrypts with and the server decrypts with (the space is part of the context). */
    public static final byte[] SERVER_IN_CONTEXT = ascii("ServerIn \0");
    /** The key the server encrypts with. */
    public static final byte[] SERVER_OUT_CONTEXT = ascii("ServerOut\0");

    private static final int KEY_BITS = 128;

    private Kdf() {
    }

    /** The 16-octet key derived from {@code key} (the session key) for {@code label} and {@code context}. */
    public static byte[] derive(byte[] key, byte[] label, byte[] context) {
        ByteBuffer input = ByteBuffer.allocate(4 + label.length + 1 + context.length + 4);
        input.putInt(1).put(label).put((byte) 0).put(context).putInt(KEY_BITS); // big-endian, as SP800-108 writes integers
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] out = new byte[KEY_BITS / 8];
            System.arraycopy(hmac.doFinal(input.array()), 0, out, 0, out.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
