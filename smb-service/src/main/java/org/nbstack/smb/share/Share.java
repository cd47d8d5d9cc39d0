package org.nbstack.smb.share;

import java.nio.file.Path;
import java.util.Locale;

/**
 * A directory served as an SMB share.
 *
 * @param name     the share name clients connect to, matched without regard to case
 * @param root     the served directory
 * @param readOnly refuse every change (ACCESS_DENIED)
 * @param guestOk  guest and anonymous sessions may connect (the server has no accounts: every session is one of those)
 */
public record Share(String name, Path root, boolean readOnly, boolean guestOk) {

    public Share {
        // Windows' share name rules (NetShareAdd): 1..80 characters, no control characters, none of "/\[]:|<>+=;,*?
        if (name.isEmpty() || name.length() > 80 || !name.strip().equals(name)
                || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f || "\"/\\[]:|<>+=;,*?".indexOf(c) >= 0)) {
            throw new IllegalArgumentException("share name '" + name + "' must be 1..80 characters without control characters,"
                    + " leading or trailing spaces, or any of \"/\\[]:|<>+=;,*?");
        }
        if (name.equalsIgnoreCase("IPC$")) {
            throw new IllegalArgumentException("IPC$ is the server's own share and cannot be configured");
        }
        root = root.toAbsolutePath().normalize();
    }

    public String key() {
        return name.toLowerCase(Locale.ROOT);
    }
}
