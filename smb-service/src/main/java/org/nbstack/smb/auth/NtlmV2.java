package org.nbstack.smb.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.MD4Digest;
import org.bouncycastle.crypto.engines.RC4Engine;
import org.bouncycastle.crypto.params.KeyParameter;

/** The NTLMv2 computations of MS-NLMP 3.3.2 and 3.4.5.1; every input and output is a byte array, nothing is kept. */
public final class NtlmV2 {

    public static final int HASH_SIZE = 16;

    private NtlmV2() {
    }

    /** The NT hash, MD4(UTF-16LE(password)) (MS-NLMP 3.3.1 NTOWFv1): what the account store keeps instead of the password. */
    public static byte[] ntHash(char[] password) {
        byte[] utf16 = new byte[password.length * 2];
        for (int i = 0; i < password.length; i++) {
            utf16[2 * i] = (byte) password[i];
            utf16[2 * i + 1] = (byte) (password[i] >> 8);
        }
        MD4Digest md4 = new MD4Digest();
        md4.update(utf16, 0, utf16.length);
        java.util.Arrays.fill(utf16, (byte) 0);
        byte[] out = new byte[HASH_SIZE];
        md4.doFinal(out, 0);
        return out;
    }

    /** NTOWFv2 = HMAC_MD5(NT hash, UTF-16LE(UPPER(user) || domain)) (MS-NLMP 3.3.2); the domain keeps its case. */
    public static byte[] ntowfV2(byte[] ntHash, String user, String domain) {
        return hmacMd5(ntHash, (user.toUpperCase(Locale.ROOT) + domain).getBytes(StandardCharsets.UTF_16LE));
    }

    /** NTProofStr = HMAC_MD5(NTOWFv2, serverChallenge || blob), where blob is the NT response after its first 16 octets. */
    public static byte[] ntProofStr(byte[] ntowfV2, byte[] serverChallenge, byte[] blob) {
        return hmacMd5(ntowfV2, serverChallenge, blob);
    }

    /** SessionBaseKey = HMAC_MD5(NTOWFv2, NTProofStr) (MS-NLMP 3.3.2); with NTLMv2 it is also the KeyExchangeKey (3.4.5.1). */
    public static byte[] sessionBaseKey(byte[] ntowfV2, byte[] ntProofStr) {
        return hmacMd5(ntowfV2, ntProofStr);
    }

    /** RC4(key, data): the ExportedSessionKey from the EncryptedRandomSessionKey under NEGOTIATE_KEY_EXCH (MS-NLMP 3.2.5.1.2). */
    public static byte[] rc4(byte[] key, byte[] data) {
        RC4Engine rc4 = new RC4Engine();
        rc4.init(false, new KeyParameter(key));
        byte[] out = new byte[data.length];
        rc4.processBytes(data, 0, data.length, out, 0);
        return out;
    }

    /** HMAC_MD5 of the concatenated parts. */
    public static byte[] hmacMd5(byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacMD5");
            mac.init(new SecretKeySpec(key, "HmacMD5"));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacMD5 is missing from the JDK", e);
        }
    }

    /** Equality in time independent of where the arrays differ, so a response's timing tells nothing of the expected proof. */
    public static boolean sameBytes(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }
}
