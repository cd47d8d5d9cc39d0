package org.nbstack.smb.server;

import java.util.List;
import org.nbstack.smb.share.Share;

/**
 * The file service's settings; every table of a connection is bounded by one of them.
 *
 * @param serverName         the NetBIOS/host name the server gives in NTLMSSP and answers to
 * @param shares             the configured shares (IPC$ is always there besides)
 * @param maxCredits         credits one connection may hold: its bound on outstanding requests (MS-SMB2 3.3.1.2)
 * @param maxSessions        SMB sessions on one connection
 * @param maxTreesPerSession tree connects of one session
 * @param maxOpens           opens of one connection
 * @param maxLocksPerOpen    byte-range locks one open may hold
 * @param maxDirectoryEntries entries of one directory an enumeration lists
 * @param ioConcurrency      file operations running at once, all connections together; each connection runs one at a time
 * @param mapToGuest         what a logon naming an unknown user becomes
 * @param protection         signing (and encryption) of messages
 */
public record SmbSettings(String serverName, List<Share> shares, int maxCredits, int maxSessions, int maxTreesPerSession,
        int maxOpens, int maxLocksPerOpen, int maxDirectoryEntries, int ioConcurrency, MapToGuest mapToGuest, Protection protection) {

    /** Samba's "map to guest": a logon naming a user the server does not know fails ({@code NEVER}) or becomes a guest logon. */
    public enum MapToGuest {
        NEVER,
        BAD_USER
    }

    /** MS-SMB2 3.3.5.4 limits the server announces; 64 KiB fits in one NetBIOS message (RFC 1002: 131071 octets). */
    public static final int MAX_IO = 65536;

    public SmbSettings {
        shares = List.copyOf(shares);
        java.util.Objects.requireNonNull(mapToGuest, "mapToGuest");
        java.util.Objects.requireNonNull(protection, "protection");
        positive("max-credits", maxCredits);
        positive("max-sessions", maxSessions);
        positive("max-trees-per-session", maxTreesPerSession);
        positive("max-opens", maxOpens);
        positive("max-locks-per-open", maxLocksPerOpen);
        positive("max-directory-entries", maxDirectoryEntries);
        positive("io-concurrency", ioConcurrency);
    }

    public static SmbSettings defaults(String serverName, List<Share> shares) {
        return new SmbSettings(serverName, shares, 128, 16, 64, 1024, 1024, 100_000, 64, MapToGuest.NEVER, Protection.DEFAULT);
    }

    public SmbSettings withMapToGuest(MapToGuest map) {
        return new SmbSettings(serverName, shares, maxCredits, maxSessions, maxTreesPerSession, maxOpens, maxLocksPerOpen,
                maxDirectoryEntries, ioConcurrency, map, protection);
    }

    public SmbSettings withProtection(Protection given) {
        return new SmbSettings(serverName, shares, maxCredits, maxSessions, maxTreesPerSession, maxOpens, maxLocksPerOpen,
                maxDirectoryEntries, ioConcurrency, mapToGuest, given);
    }

    private static void positive(String key, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(key + " = " + value + " must be at least 1");
        }
    }
}
