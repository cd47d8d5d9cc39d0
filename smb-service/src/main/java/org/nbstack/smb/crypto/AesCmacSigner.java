package org.nbstack.smb.crypto;

import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.params.KeyParameter;

/** MS-SMB2 3.1.4.1 for dialects 3.0 and 3.0.2: AES-128-CMAC (RFC 4493) keyed with the derived signing key. */
final class AesCmacSigner extends MessageSigner {

    private final CMac mac = new CMac(AESEngine.newInstance());

    AesCmacSigner(byte[] signingKey) {
        mac.init(new KeyParameter(signingKey));
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
        byte[] out = new byte[mac.getMacSize()];
        mac.doFinal(out, 0);
        return out;
    }
}
