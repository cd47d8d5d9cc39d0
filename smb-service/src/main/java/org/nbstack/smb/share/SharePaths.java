package org.nbstack.smb.share;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.nbstack.smb.protocol.NtStatus;
import org.nbstack.smb.protocol.SmbStatusException;

/**
 * Maps SMB path names to files under a share's root so that nothing outside the root can be reached: components are
 * validated (MS-FSCC 2.1.5), "." and ".." are refused, each component is looked up without regard to case as Windows
 * clients expect, and a symbolic link is followed only when its target is inside the root.
 */
public final class SharePaths {

    /** MS-FSCC 2.1.5.2: a component is at most 255 characters. */
    public static final int MAX_COMPONENT = 255;
    /** Directory entries scanned for a case-insensitive match before giving up, so one lookup is bounded work. */
    private static final int MAX_SCAN = 100_000;

    private final Path root;
    private final Path realRoot;

    public SharePaths(Path root) throws IOException {
        this.root = root;
        this.realRoot = root.toRealPath();
    }

    public Path root() {
        return root;
    }

    /**
     * The file an SMB name (backslash-separated, relative to the share root; "" is the root) stands for. The last
     * component need not exist (the caller decides whether that is an error); every earlier one must be a directory.
     *
     * @throws SmbStatusException OBJECT_NAME_INVALID for a bad name, OBJECT_PATH_NOT_FOUND for a missing directory,
     *                            ACCESS_DENIED for a link leading out of the share
     */
    public Path resolve(String smbName) {
        if (smbName.isEmpty()) {
            return root;
        }
        String[] components = smbName.split("\\\\", -1);
        for (String component : components) {
            validateComponent(component); // a bad name is invalid whatever exists (MS-FSCC 2.1.5)
        }
        Path current = root;
        for (int i = 0; i < components.length; i++) {
            String component = components[i];
            Path next = lookup(current, component);
            boolean last = i == components.length - 1;
            if (Files.isSymbolicLink(next)) {
                checkInside(next);
            }
            if (!last && !Files.isDirectory(next)) {
                throw new SmbStatusException(NtStatus.OBJECT_PATH_NOT_FOUND, "no directory " + component);
            }
            current = next;
        }
        return current;
    }

    /** The share-relative SMB name of a file under the root, backslash-separated. */
    public String smbName(Path file) {
        return root.relativize(file).toString().replace('/', '\\');
    }

    /** MS-FSCC 2.1.5.2: no control characters, no {@code " * / : < > ? \ |}, not "." or "..", 1..255 characters. */
    public static void validateComponent(String component) {
        if (component.isEmpty() || component.length() > MAX_COMPONENT || component.equals(".") || component.equals("..")) {
            throw new SmbStatusException(NtStatus.OBJECT_NAME_INVALID, "bad name component '" + component + "'");
        }
        for (int i = 0; i < component.length(); i++) {
            char c = component.charAt(i);
            if (c < 0x20 || "\"*/:<>?\\|".indexOf(c) >= 0) {
                throw new SmbStatusException(NtStatus.OBJECT_NAME_INVALID, "bad character in '" + component + "'");
            }
        }
    }

    private void checkInside(Path link) {
        try {
            if (!link.toRealPath().startsWith(realRoot)) {
                throw new SmbStatusException(NtStatus.ACCESS_DENIED, "link leads out of the share");
            }
        } catch (IOException dangling) {
            throw new SmbStatusException(NtStatus.ACCESS_DENIED, "link leads nowhere");
        }
    }

    /** The entry of {@code dir} named {@code component}, exactly or else without regard to case; the exact name if none. */
    private static Path lookup(Path dir, String component) {
        Path exact = dir.resolve(component);
        if (Files.exists(exact, LinkOption.NOFOLLOW_LINKS) || !Files.isDirectory(dir)) {
            return exact;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            int scanned = 0;
            for (Path entry : entries) {
                if (entry.getFileName().toString().equalsIgnoreCase(component)) {
                    return entry;
                }
                if (++scanned >= MAX_SCAN) {
                    break;
                }
            }
        } catch (IOException unreadable) {
            return exact;
        }
        return exact;
    }
}
