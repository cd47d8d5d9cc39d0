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

    boolean canRead() {
        return (grantedAccess & Access.READ_DATA) != 0;
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
