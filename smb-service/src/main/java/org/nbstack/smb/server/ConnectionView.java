package org.nbstack.smb.server;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nbstack.netbios.session.ServiceView;

/**
 * An SMB connection as the admin views show it next to its NetBIOS session: the users its SMB sessions logged on as,
 * the dialect, the shares its trees are connected to, and how many files it holds open and byte-range locks it holds.
 */
final class ConnectionView {

    static final String SERVICE = "smb";

    private ConnectionView() {
    }

    /** Built by the connection under its own lock; the result is immutable, so any thread may read it later. */
    static ServiceView of(String dialect, Collection<SmbSession> sessions, Collection<FileOpen> opens, ByteRangeLocks locks) {
        List<String> users = new ArrayList<>();
        List<String> trees = new ArrayList<>();
        for (SmbSession session : sessions) {
            if (session.authenticated) {
                users.add(user(session));
            }
            for (Tree tree : session.trees.values()) {
                trees.add(tree.name());
            }
        }
        int held = 0;
        for (FileOpen open : opens) {
            held += locks.heldBy(open.path, open);
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("dialect", dialect);
        details.put("users", users);
        details.put("trees", trees);
        details.put("open_files", opens.size());
        details.put("locks", held);
        return new ServiceView(SERVICE, details);
    }

    /** "anonymous" for a null session, the account name for a user, else "guest", with the name the client gave when it gave one. */
    private static String user(SmbSession session) {
        if (session.anonymous) {
            return "anonymous";
        }
        if (!session.guest) {
            return session.user;
        }
        return session.user.isEmpty() || session.user.equalsIgnoreCase("guest") ? "guest" : session.user + " (guest)";
    }
}
