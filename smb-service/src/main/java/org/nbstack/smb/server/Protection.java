package org.nbstack.smb.server;

import java.util.Objects;

/**
 * How the file service protects messages (MS-SMB2 3.1.4): signing and, for the 3.0.x dialects, encryption.
 * Sessions of an account always sign whatever the setting; guest and anonymous sessions have no key and cannot.
 *
 * @param signing {@code REQUIRED} makes NEGOTIATE say SIGNING_REQUIRED (MS-SMB2 2.2.4); {@code ENABLED} says it may sign
 */
public record Protection(Signing signing) {

    public static final Protection DEFAULT = new Protection(Signing.ENABLED);

    /** {@code nbstack.smb.signing}. */
    public enum Signing {
        ENABLED,
        REQUIRED
    }

    public Protection {
        Objects.requireNonNull(signing, "signing");
    }
}
