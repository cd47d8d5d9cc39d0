package org.nbstack.config;

import java.nio.file.Path;

/**
 * One SMB share, {@code nbstack.smb.shares.<name>}.
 *
 * @param name     the share name clients connect to (the key; matched without regard to case)
 * @param path     the served directory, absolute (a relative {@code path} is resolved against {@code nbstack.data-dir})
 * @param create   whether the server makes {@code path} when it is missing: true for directories inside the data dir
 * @param readOnly refuse every change
 * @param guestOk  guest and anonymous sessions may connect
 */
public record ShareSettings(String name, Path path, boolean create, boolean readOnly, boolean guestOk) {
}
