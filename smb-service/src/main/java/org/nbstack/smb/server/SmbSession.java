package org.nbstack.smb.server;

import java.util.LinkedHashMap;
import java.util.Map;

/** An SMB session (MS-SMB2 3.3.1.8): set up by NTLMSSP in two rounds, then holding trees. */
final class SmbSession {

    final long id;
    boolean authenticated;
    boolean anonymous;
    String user = "";
    final Map<Integer, Tree> trees = new LinkedHashMap<>();

    SmbSession(long id) {
        this.id = id;
    }

    String who() {
        return anonymous ? "anonymous" : "guest (as '" + user + "')";
    }
}
