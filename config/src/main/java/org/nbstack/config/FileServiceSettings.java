package org.nbstack.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The SMB2 file service, {@code nbstack.smb}: the shares the {@code smb} handler serves (IPC$ is always served besides),
 * the account file users log on against, what a logon naming an unknown user becomes, and signing and encryption.
 *
 * @param usersFile  {@code smb.users-file}: the account file ({@code ""} = {@code <data-dir>/users})
 * @param mapToGuest {@code smb.map-to-guest}: never (an unknown user fails) or bad-user (an unknown user is a guest)
 * @param signing    {@code smb.signing}: whether NEGOTIATE says signing is required (sessions of accounts sign either way)
 * @param encryption {@code smb.encryption}: SMB 3.0.x encryption off, desired or required
 */
public record FileServiceSettings(List<ShareSettings> shares, Path usersFile, MapToGuest mapToGuest, Signing signing,
        Encryption encryption) {

    /** Samba's "map to guest" values this server has. */
    public enum MapToGuest {
        NEVER,
        BAD_USER
    }

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
