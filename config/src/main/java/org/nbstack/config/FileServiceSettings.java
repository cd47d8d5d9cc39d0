package org.nbstack.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The SMB2 file service, {@code nbstack.smb}: the shares the {@code smb} handler serves (IPC$ is always served besides),
 * the account file users log on against, and what a logon naming an unknown user becomes.
 *
 * @param usersFile  {@code smb.users-file}: the account file ({@code ""} = {@code <data-dir>/users})
 * @param mapToGuest {@code smb.map-to-guest}: never (an unknown user fails) or bad-user (an unknown user is a guest)
 */
public record FileServiceSettings(List<ShareSettings> shares, Path usersFile, MapToGuest mapToGuest) {

    /** Samba's "map to guest" values this server has. */
    public enum MapToGuest {
        NEVER,
        BAD_USER
    }

    public FileServiceSettings {
        shares = List.copyOf(shares);
    }
}
