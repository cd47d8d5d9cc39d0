package org.nbstack.smb.server;

import org.nbstack.smb.share.Share;
import org.nbstack.smb.share.SharePaths;

/** A tree connect (MS-SMB2 3.3.1.9): a session's use of one share, or of IPC$ when {@code share} is null. */
record Tree(int id, SmbSession session, Share share, SharePaths paths) {

    boolean ipc() {
        return share == null;
    }

    String name() {
        return ipc() ? "IPC$" : share.name();
    }
}
