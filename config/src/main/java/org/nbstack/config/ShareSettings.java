package org.nbstack.config;

import java.nio.file.Path;
import java.util.List;

/**
 * One SMB share, {@code nbstack.smb.shares.<name>}.
 *
 * @param name       the share name clients connect to (the key; matched without regard to case)
 * @param path       the served directory, absolute (a relative {@code path} is resolved against {@code nbstack.data-dir})
 * @param create     whether the server makes {@code path} when it is missing: true for directories inside the data dir
 * @param readOnly   refuse every change (except to the users of {@code writeList})
 * @param guestOk    guest and anonymous sessions may connect
 * @param validUsers {@code valid-users}: the accounts that may connect; empty = every account
 * @param readList   {@code read-list}: accounts that may only read, even when the share is writable
 * @param writeList  {@code write-list}: accounts that may write, even when the share is read-only
 */
public record ShareSettings(String name, Path path, boolean create, boolean readOnly, boolean guestOk, List<String> validUsers,
        List<String> readList, List<String> writeList) {

    public ShareSettings {
        validUsers = List.copyOf(validUsers);
        readList = List.copyOf(readList);
        writeList = List.copyOf(writeList);
    }

    /** A share open to every account, read-only or not. */
    public ShareSettings(String name, Path path, boolean create, boolean readOnly, boolean guestOk) {
        this(name, path, create, readOnly, guestOk, List.of(), List.of(), List.of());
    }
}
