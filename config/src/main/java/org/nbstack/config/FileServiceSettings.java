package org.nbstack.config;

import java.util.List;

/**
 * The SMB2 file service, {@code nbstack.smb}: the shares the {@code smb} handler serves (IPC$ is always served besides).
 *
 * @param signing    {@code smb.signing}: whether NEGOTIATE says signing is required (sessions of accounts sign either way)
 * @param encryption {@code smb.encryption}: SMB 3.0.x encryption off, desired or required
 */
public record FileServiceSettings(List<ShareSettings> shares, Signing signing, Encryption encryption) {

    /** {@code smb.encryption}: off | desired (sessions of accounts whose client can encrypt do) | required (others are refused). */
    public enum Encryption {
        OFF,
        DESIRED,
        REQUIRED
    }

    /** {@code smb.signing}: enabled (clients may sign; accounts' sessions do) | required (NEGOTIATE says SIGNING_REQUIRED). */
    public enum Signing {
        ENABLED,
        REQUIRED
    }

    public FileServiceSettings {
        shares = List.copyOf(shares);
    }
}
