package org.nbstack.smb.auth;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * The server side of NTLMSSP (MS-NLMP): the CHALLENGE message and the decoding of the NEGOTIATE and AUTHENTICATE
 * messages. Verifying an AUTHENTICATE message against an account is {@link NtlmLogon}'s job.
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
    public static final int KEY_EXCH = 0x40000000;
    private static final int N56 = 0x80000000;
    /** MS-NLMP 2.2.2.1 AV pair ids. */
    private static final int AV_EOL = 0;
    private static final int AV_FLAGS = 6;
    private static final int AV_FLAG_MIC_PRESENT = 0x2;
    /** MS-NLMP 2.2.1.3: the MIC follows the 8-octet Version at offset 64. */
    public static final int MIC_OFFSET = 72;
    public static final int MIC_SIZE = 16;
    /** MS-NLMP 2.2.2.7: NTProofStr (16), then RespType, HiRespType, 6 reserved, TimeStamp (8), ChallengeFromClient (8), 4 reserved. */
    private static final int NTLMV2_AV_PAIRS_AT = 16 + 28;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A CHALLENGE message and the server challenge inside it, which the AUTHENTICATE message's proof must use. */
    public record Challenge(byte[] message, byte[] serverChallenge) {
    }

    /**
     * The fields of an AUTHENTICATE message (MS-NLMP 2.2.1.3).
     *
     * @param message             the message as received (the MIC covers it with the MIC zeroed)
     * @param flags               the negotiated flags
     * @param micPresent          whether the NTLMv2 response's AV pairs say a MIC is at {@link #MIC_OFFSET} (MsvAvFlags bit 0x2)
     * @param encryptedSessionKey the EncryptedRandomSessionKey, empty when not sent
     */
    public record Authenticate(byte[] message, int flags, String domain, String user, String workstation, byte[] lmResponse,
            byte[] ntResponse, byte[] encryptedSessionKey, boolean micPresent) {

        /** MS-NLMP 3.2.5.1.2: an empty user name with an empty NT response is an anonymous logon. */
        public boolean anonymous() {
            return user.isEmpty() && ntResponse.length == 0;
        }

        /** Whether the NT response is NTLMv2 (longer than NTLMv1's 24 octets and holding the v2 blob header). */
        public boolean ntlmV2() {
            return ntResponse.length >= NTLMV2_AV_PAIRS_AT;
        }

        public boolean keyExchange() {
            return (flags & KEY_EXCH) != 0;
        }
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
    public static Challenge challenge(int clientFlags, String serverName) {
        int flags = UNICODE | REQUEST_TARGET | NTLM | ALWAYS_SIGN | TARGET_TYPE_SERVER | EXTENDED_SESSION_SECURITY | TARGET_INFO
                | VERSION | (clientFlags & (SIGN | SEAL | N128 | N56 | KEY_EXCH));
        byte[] target = serverName.getBytes(StandardCharsets.UTF_16LE);
        // MS-NLMP 2.2.2.1: NetBIOS domain and computer names, DNS names, end. No MsvAvTimestamp: with one, clients add a
        // MIC and then expect a SPNEGO mechListMIC back (RFC 4178 5, as Samba does), which needs NTLMSSP signing
        ByteBuffer info = le(new byte[4 * (4 + target.length) + 4]);
        for (int id : new int[] {2, 1, 4, 3}) {
            info.putShort((short) id).putShort((short) target.length).put(target);
        }
        info.putInt(AV_EOL);
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
        return new Challenge(out.array(), serverChallenge);
    }

    /** The NEGOTIATE message's flags (MS-NLMP 2.2.1.1), 0 when the message is too short to hold them. */
    public static int negotiateFlags(byte[] token) {
        return token.length >= 16 ? le(token).getInt(12) : 0;
    }

    /**
     * Decodes an AUTHENTICATE message (MS-NLMP 2.2.1.3).
     *
     * @throws MalformedTokenException when it is not one or a field points outside it
     */
    public static Authenticate authenticate(byte[] token) {
        if (messageType(token) != AUTHENTICATE_MESSAGE || token.length < 64) {
            throw new MalformedTokenException("not an NTLMSSP AUTHENTICATE message");
        }
        ByteBuffer b = le(token);
        int flags = b.getInt(60);
        boolean unicode = (flags & UNICODE) != 0;
        byte[] lm = bytes(token, b, 12);
        byte[] nt = bytes(token, b, 20);
        String domain = text(token, b, 28, unicode);
        String user = text(token, b, 36, unicode);
        String workstation = text(token, b, 44, unicode);
        byte[] sessionKey = bytes(token, b, 52);
        boolean mic = nt.length >= NTLMV2_AV_PAIRS_AT && (avFlags(nt) & AV_FLAG_MIC_PRESENT) != 0;
        if (mic && token.length < MIC_OFFSET + MIC_SIZE) {
            throw new MalformedTokenException("NTLMSSP AUTHENTICATE announces a MIC but is too short to hold one");
        }
        return new Authenticate(token, flags, domain, user, workstation, lm, nt, sessionKey, mic);
    }

    /** The MsvAvFlags value among the AV pairs of an NTLMv2 response (MS-NLMP 2.2.2.1), 0 when absent. */
    private static int avFlags(byte[] ntResponse) {
        ByteBuffer b = le(ntResponse);
        int at = NTLMV2_AV_PAIRS_AT;
        while (at + 4 <= ntResponse.length) {
            int id = b.getShort(at) & 0xffff;
            int length = b.getShort(at + 2) & 0xffff;
            at += 4;
            if (id == AV_EOL || length > ntResponse.length - at) {
                return 0;
            }
            if (id == AV_FLAGS && length >= 4) {
                return b.getInt(at);
            }
            at += length;
        }
        return 0;
    }

    private static byte[] bytes(byte[] token, ByteBuffer b, int at) {
        int length = b.getShort(at) & 0xffff;
        int offset = b.getInt(at + 4);
        if (length == 0) {
            return new byte[0];
        }
        if (offset < 0 || offset > token.length - length) {
            throw new MalformedTokenException("NTLMSSP field outside the message");
        }
        return java.util.Arrays.copyOfRange(token, offset, offset + length);
    }

    private static String text(byte[] token, ByteBuffer b, int at, boolean unicode) {
        return new String(bytes(token, b, at), unicode ? StandardCharsets.UTF_16LE : StandardCharsets.ISO_8859_1);
    }

    private static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
}
