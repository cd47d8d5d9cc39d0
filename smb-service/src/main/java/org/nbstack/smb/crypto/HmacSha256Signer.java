package org.nbstack.smb.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** MS-SMB2 3.1.4.1 for dialects 2.0.2 and 2.1: HMAC-SHA256 keyed with the session key, truncated to 16 octets. */
final class HmacSha256Signer extends MessageSigner {

    private final Mac mac;

    HmacSha256Signer(byte[] key) {
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
        }
    }

    @Override
    void reset() {
        mac.reset();
    }

    @Override
    void update(byte[] bytes, int offset, int length) {
        mac.update(bytes, offset, length);
    }

    @Override
    byte[] finish() {
        return Arrays.copyOf(mac.doFinal(), SIGNATURE_SIZE);
    }
}
