package org.nbstack.smb.server;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** One open of a file or directory (MS-SMB2 3.3.1.10): its ids stay the same until CLOSE. */
final class FileOpen {

    final long persistentId;
    final long volatileId;
    final Tree tree;
    final boolean directory;
    final int grantedAccess;
    final FileChannel channel; // null for directories
    Path path;
    String smbName;
    boolean deleteOnClose;
    DirectoryListing listing;
    /** FilePositionInformation's CurrentByteOffset (MS-FSCC 2.4.35): where the last READ or WRITE ended. */
    long position;

    FileOpen(long persistentId, long volatileId, Tree tree, Path path, String smbName, boolean directory, int grantedAccess,
            FileChannel channel) {
        this.persistentId = persistentId;
        this.volatileId = volatileId;
        this.tree = tree;
        this.path = path;
        this.smbName = smbName;
        this.directory = directory;
        this.grantedAccess = grantedAccess;
        this.channel = channel;
    }

    Tree tree() {
        return tree;
    }

    /** READ_DATA or EXECUTE: an SMB2 READ is allowed with either, as on Windows. */
    boolean canRead() {
        return (grantedAccess & (Access.READ_DATA | Access.EXECUTE)) != 0;
    }

    /** Granted APPEND_DATA but not WRITE_DATA: a WRITE at 0xFFFFFFFFFFFFFFFF goes to the end of the file. */
    boolean appendOnly() {
        return (grantedAccess & (Access.WRITE_DATA | Access.APPEND_DATA)) == Access.APPEND_DATA;
    }

    boolean canWrite() {
        return (grantedAccess & (Access.WRITE_DATA | Access.APPEND_DATA)) != 0;
    }

    void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to do for a channel that fails to close
            }
        }
    }
}
