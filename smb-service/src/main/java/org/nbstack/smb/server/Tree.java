package org.nbstack.smb.server;

import org.nbstack.smb.share.Share;
import org.nbstack.smb.share.SharePaths;

/**
 * A tree connect (MS-SMB2 3.3.1.9): a session's use of one share, or of IPC$ when {@code share} is null.
 * {@code readOnly} is what this session may do there: the share's setting, or its read or write list for the user.
 */
record Tree(int id, SmbSession session, Share share, SharePaths paths, boolean readOnly) {

    boolean ipc() {
        return share == null;
    }

    String name() {
        return ipc() ? "IPC$" : share.name();
    }
}
