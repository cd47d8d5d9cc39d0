package org.nbstack.smb.share;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A directory served as an SMB share, and who may use it (Samba's "valid users", "read list" and "write list").
 *
 * @param name       the share name clients connect to, matched without regard to case
 * @param root       the served directory
 * @param readOnly   refuse every change (ACCESS_DENIED), except to the users of {@code writeList}
 * @param guestOk    guest and anonymous sessions may connect (read-only or not as the share is)
 * @param validUsers the users who may connect; empty: every user with an account
 * @param readList   users who may only read, even when the share is writable
 * @param writeList  users who may write, even when the share is read-only (the read list wins when a user is on both)
 */
public record Share(String name, Path root, boolean readOnly, boolean guestOk, Set<String> validUsers, Set<String> readList,
        Set<String> writeList) {

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
        validUsers = lowerCase(validUsers);
        readList = lowerCase(readList);
        writeList = lowerCase(writeList);
    }

    /** A share every user with an account may use as {@code readOnly} says. */
    public Share(String name, Path root, boolean readOnly, boolean guestOk) {
        this(name, root, readOnly, guestOk, Set.of(), Set.of(), Set.of());
    }

    public String key() {
        return name.toLowerCase(Locale.ROOT);
    }

    /** Whether the account {@code user} may connect: it is a valid user (or there is no such list). */
    public boolean admits(String user) {
        return validUsers.isEmpty() || validUsers.contains(user.toLowerCase(Locale.ROOT));
    }

    /** Whether the account {@code user} may change the share: the read list first, then the write list, then read-only. */
    public boolean writableBy(String user) {
        String key = user.toLowerCase(Locale.ROOT);
        if (readList.contains(key)) {
            return false;
        }
        return writeList.contains(key) || !readOnly;
    }

    private static Set<String> lowerCase(Collection<String> names) {
        return Set.copyOf(names.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toList()));
    }
}
