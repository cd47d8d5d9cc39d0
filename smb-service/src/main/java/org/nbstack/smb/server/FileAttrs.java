package org.nbstack.smb.server;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;

/**
 * What SMB says about a file: FILETIME stamps (100 ns since 1601, MS-DTYP 2.3.3), sizes, MS-FSCC 2.6 attributes
 * and a 64-bit file id (the inode where the platform has one).
 */
record FileAttrs(long creation, long lastAccess, long lastWrite, long change, long endOfFile, long allocation, int attributes,
        long fileId, boolean directory) {

    static final int READONLY = 0x1;
    static final int DIRECTORY = 0x10;
    static final int ARCHIVE = 0x20;
    static final int TEMPORARY = 0x100;
    private static final long EPOCH_DIFFERENCE_MILLIS = 11_644_473_600_000L;
    private static final long CLUSTER = 4096;
    private static final boolean UNIX_VIEW = FileSystems.getDefault().supportedFileAttributeViews().contains("unix");
    private static final String UNIX_ATTRIBUTES = "unix:isDirectory,size,creationTime,lastAccessTime,lastModifiedTime,ino";

    /** One stat of {@code path} (a listing calls this once per entry): the unix view gives the inode with the rest. */
    static FileAttrs of(Path path, boolean readOnlyShare) throws IOException {
        if (UNIX_VIEW) {
            Map<String, Object> a = Files.readAttributes(path, UNIX_ATTRIBUTES);
            return of((Boolean) a.get("isDirectory"), (Long) a.get("size"), (FileTime) a.get("creationTime"),
                    (FileTime) a.get("lastAccessTime"), (FileTime) a.get("lastModifiedTime"), (Long) a.get("ino"), readOnlyShare);
        }
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
        Object key = a.fileKey();
        return of(a.isDirectory(), a.size(), a.creationTime(), a.lastAccessTime(), a.lastModifiedTime(),
                key != null ? key.hashCode() & 0xffffffffL : path.hashCode() & 0xffffffffL, readOnlyShare);
    }

    private static FileAttrs of(boolean directory, long fileSize, FileTime creation, FileTime lastAccess, FileTime lastWrite, long fileId,
            boolean readOnlyShare) {
        long size = directory ? 0 : fileSize;
        int attributes = directory ? DIRECTORY : ARCHIVE;
        if (readOnlyShare && !directory) {
            attributes |= READONLY;
        }
        return new FileAttrs(filetime(creation), filetime(lastAccess), filetime(lastWrite), filetime(lastWrite), size,
                (size + CLUSTER - 1) / CLUSTER * CLUSTER, attributes, fileId, directory);
    }

    static long filetime(FileTime time) {
        return (time.toMillis() + EPOCH_DIFFERENCE_MILLIS) * 10_000;
    }

    static FileTime fromFiletime(long filetime) {
        return FileTime.fromMillis(filetime / 10_000 - EPOCH_DIFFERENCE_MILLIS);
    }
}
