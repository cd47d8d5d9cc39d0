package org.nbstack.smb.server;

import java.util.Objects;

/**
 * How the file service protects messages (MS-SMB2 3.1.4): signing and, for the 3.0.x dialects, encryption.
 * Sessions of an account always sign whatever the setting; guest and anonymous sessions have no key and cannot.
 *
 * @param signing    {@code REQUIRED} makes NEGOTIATE say SIGNING_REQUIRED (MS-SMB2 2.2.4); {@code ENABLED} says it may sign
 * @param encryption {@code OFF}: not offered; {@code DESIRED}: offered on 3.0.x and asked of every session of an account
 *                   whose client can (SESSION_SETUP flag ENCRYPT_DATA); {@code REQUIRED}: as desired, and a session that
 *                   cannot encrypt (2.x, guest, anonymous, a client without the capability) is refused
 */
public record Protection(Signing signing, Encryption encryption) {

    public static final Protection DEFAULT = new Protection(Signing.ENABLED, Encryption.OFF);

    /** {@code nbstack.smb.signing}. */
    public enum Signing {
        ENABLED,
        REQUIRED
    }

    /** {@code nbstack.smb.encryption}. */
    public enum Encryption {
        OFF,
        DESIRED,
        REQUIRED
    }

    public Protection {
        Objects.requireNonNull(signing, "signing");
        Objects.requireNonNull(encryption, "encryption");
    }

    public Protection(Signing signing) {
        this(signing, Encryption.OFF);
    }
}
