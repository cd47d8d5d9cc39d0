package org.nbstack.config;

import java.util.List;

/** The SMB2 file service, {@code nbstack.smb}: the shares the {@code smb} handler serves (IPC$ is always served besides). */
public record FileServiceSettings(List<ShareSettings> shares) {

    public FileServiceSettings {
        shares = List.copyOf(shares);
    }
}
