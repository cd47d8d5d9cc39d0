package org.nbstack.smb.auth;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * The server side of NTLMSSP (MS-NLMP) for anonymous and guest logons: the CHALLENGE message, and reading who the
 * AUTHENTICATE message names. No password is checked: the server has no accounts, every named user is a guest.
 */
public final class Ntlmssp {

    public static final int NEGOTIATE_MESSAGE = 1;
    public static final int CHALLENGE_MESSAGE = 2;
    public static final int AUTHENTICATE_MESSAGE = 3;

    private static final int UNICODE = 0x1;
    private static final int REQUEST_TARGET = 0x4;
    private static final int SIGN = 0x10;
    private static final int SEAL = 0x20;
    private static final int NTLM = 0x200;
    private static final int ALWAYS_SIGN = 0x8000;
    private static final int TARGET_TYPE_SERVER = 0x20000;
    private static final int EXTENDED_SESSION_SECURITY = 0x80000;
    private static final int TARGET_INFO = 0x800000;
    private static final int VERSION = 0x2000000;
    private static final int N128 = 0x20000000;
    private static final int KEY_EXCH = 0x40000000;
    private static final int N56 = 0x80000000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Who an AUTHENTICATE message names; anonymous when user name and NT response are both empty (MS-NLMP 3.2.5.1.2). */
    public record Identity(String domain, String user, String workstation, boolean anonymous) {
    }

    private Ntlmssp() {
    }

    /** The message type of an NTLMSSP token, or 0 when it is not one. */
    public static int messageType(byte[] token) {
        if (token.length < 12 || token[0] != 'N' || token[7] != 0) {
            return 0;
        }
        return le(token).getInt(8);
    }

    /** The CHALLENGE message (MS-NLMP 2.2.1.2) answering a NEGOTIATE with {@code clientFlags}, naming {@code serverName}. */
    public static byte[] challenge(int clientFlags, String serverName) {
        int flags = UNICODE | REQUEST_TARGET | NTLM | ALWAYS_SIGN | TARGET_TYPE_SERVER | EXTENDED_SESSION_SECURITY | TARGET_INFO
                | VERSION | (clientFlags & (SIGN | SEAL | N128 | N56 | KEY_EXCH));
        byte[] target = serverName.getBytes(StandardCharsets.UTF_16LE);
        // MS-NLMP 2.2.2.1: NetBIOS domain and computer names, DNS names, end; no timestamp, so clients add no MIC
        ByteBuffer info = le(new byte[4 * (4 + target.length) + 4]);
        for (int id : new int[] {2, 1, 4, 3}) {
            info.putShort((short) id).putShort((short) target.length).put(target);
        }
        info.putInt(0);
        int headerSize = 56;
        ByteBuffer out = le(new byte[headerSize + target.length + info.capacity()]);
        out.put("NTLMSSP\0".getBytes(StandardCharsets.US_ASCII)).putInt(CHALLENGE_MESSAGE);
        out.putShort((short) target.length).putShort((short) target.length).putInt(headerSize);
        out.putInt(flags);
        byte[] serverChallenge = new byte[8];
        RANDOM.nextBytes(serverChallenge);
        out.put(serverChallenge).putLong(0);
        out.putShort((short) info.capacity()).putShort((short) info.capacity()).putInt(headerSize + target.length);
        out.put(new byte[] {10, 0, 0x4f, 0x46, 0, 0, 0, 15}); // version 10.0.20047, NTLMSSP revision 15
        out.put(target).put(info.array());
        return out.array();
    }

    /** The NEGOTIATE message's flags (MS-NLMP 2.2.1.1), 0 when the message is too short to hold them. */
    public static int negotiateFlags(byte[] token) {
        return token.length >= 16 ? le(token).getInt(12) : 0;
    }

    /**
     * Who an AUTHENTICATE message (MS-NLMP 2.2.1.3) names.
     *
     * @throws IllegalArgumentException when a field points outside the message
     */
    public static Identity identity(byte[] token) {
        if (messageType(token) != AUTHENTICATE_MESSAGE || token.length < 64) {
            throw new IllegalArgumentException("not an NTLMSSP AUTHENTICATE message");
        }
        ByteBuffer b = le(token);
        int ntLength = b.getShort(20) & 0xffff;
        boolean unicode = (b.getInt(60) & UNICODE) != 0;
        String domain = field(token, b, 28, unicode);
        String user = field(token, b, 36, unicode);
        String workstation = field(token, b, 44, unicode);
        return new Identity(domain, user, workstation, user.isEmpty() && ntLength == 0);
    }

    private static String field(byte[] token, ByteBuffer b, int at, boolean unicode) {
        int length = b.getShort(at) & 0xffff;
        int offset = b.getInt(at + 4);
        if (length == 0) {
            return "";
        }
        if (offset < 0 || offset > token.length - length) {
            throw new IllegalArgumentException("NTLMSSP field outside the message");
        }
        return new String(token, offset, length, unicode ? StandardCharsets.UTF_16LE : StandardCharsets.ISO_8859_1);
    }

    private static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
}
