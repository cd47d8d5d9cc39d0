package org.nbstack.smb.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * What SMB says about a file: FILETIME stamps (100 ns since 1601, MS-DTYP 2.3.3), sizes, MS-FSCC 2.6 attributes
 * and a 64-bit file id (the inode where the platform has one).
 */
record FileAttrs(long creation, long lastAccess, long lastWrite, long change, long endOfFile, long allocation, int attributes,
        long fileId, boolean directory) {

    static final int READONLY = 0x1;
    static final int DIRECTORY = 0x10;
    static final int ARCHIVE = 0x20;
    private static final long EPOCH_DIFFERENCE_MILLIS = 11_644_473_600_000L;
    private static final long CLUSTER = 4096;

    static FileAttrs of(Path path, boolean readOnlyShare) throws IOException {
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
        long size = a.isDirectory() ? 0 : a.size();
        int attributes = a.isDirectory() ? DIRECTORY : ARCHIVE;
        if (readOnlyShare && !a.isDirectory()) {
            attributes |= READONLY;
        }
        return new FileAttrs(filetime(a.creationTime()), filetime(a.lastAccessTime()), filetime(a.lastModifiedTime()),
                filetime(a.lastModifiedTime()), size, (size + CLUSTER - 1) / CLUSTER * CLUSTER, attributes, fileId(path, a),
                a.isDirectory());
    }

    static long filetime(FileTime time) {
        return (time.toMillis() + EPOCH_DIFFERENCE_MILLIS) * 10_000;
    }

    static FileTime fromFiletime(long filetime) {
        return FileTime.fromMillis(filetime / 10_000 - EPOCH_DIFFERENCE_MILLIS);
    }

    private static long fileId(Path path, BasicFileAttributes a) {
        try {
            Object inode = Files.getAttribute(path, "unix:ino");
            if (inode instanceof Long ino) {
                return ino;
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException notUnix) {
            // below
        }
        Object key = a.fileKey();
        return key != null ? key.hashCode() & 0xffffffffL : path.hashCode() & 0xffffffffL;
    }
}
