package org.nbstack.config;

import java.util.Optional;

/** The rules a share name follows, as Windows' NetShareAdd enforces them for the names MS-SMB2 TREE_CONNECT carries. */
final class ShareNames {

    static final int MAX_LENGTH = 80;
    private static final String FORBIDDEN = "\"/\\[]:|<>+=;,*?";

    private ShareNames() {
    }

    /** Why {@code name} cannot name a share, or empty when it can. */
    static Optional<String> problem(String name) {
        if (name.isEmpty() || name.length() > MAX_LENGTH) {
            return Optional.of("1.." + MAX_LENGTH + " characters");
        }
        if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f || FORBIDDEN.indexOf(c) >= 0)) {
            return Optional.of("free of control characters and of " + FORBIDDEN);
        }
        if (!name.strip().equals(name)) {
            return Optional.of("without leading or trailing spaces");
        }
        if (name.equalsIgnoreCase("IPC$")) {
            return Optional.of("other than IPC$, which the server always serves itself");
        }
        return Optional.empty();
    }
}
