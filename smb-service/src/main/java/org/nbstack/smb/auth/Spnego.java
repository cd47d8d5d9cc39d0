package org.nbstack.smb.auth;

import java.util.Arrays;

/** The SPNEGO (RFC 4178) tokens of an SMB2 server that offers NTLMSSP only. */
public final class Spnego {

    private static final byte[] SPNEGO_OID = {0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02};
    private static final byte[] NTLMSSP_OID = {0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, (byte) 0x82, 0x37, 0x02, 0x02, 0x0a};
    private static final byte[] NTLMSSP_SIGNATURE = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};

    private Spnego() {
    }

    /** The NEGOTIATE response's security buffer: a GSS-API wrapped NegTokenInit listing NTLMSSP (RFC 4178 4.2.1). */
    public static byte[] negTokenInit() {
        byte[] mechTypes = Der.tlv(0xa0, Der.tlv(0x30, NTLMSSP_OID));
        return Der.tlv(0x60, SPNEGO_OID, Der.tlv(0xa0, Der.tlv(0x30, mechTypes)));
    }

    /** A NegTokenResp (RFC 4178 4.2.2): negState accept-incomplete (1) with an NTLMSSP token, or accept-completed (0) without. */
    public static byte[] negTokenResp(boolean complete, byte[] token) {
        byte[] state = Der.tlv(0xa0, Der.tlv(0x0a, new byte[] {(byte) (complete ? 0 : 1)}));
        if (token == null) {
            return Der.tlv(0xa1, Der.tlv(0x30, state));
        }
        return Der.tlv(0xa1, Der.tlv(0x30, state, Der.tlv(0xa1, NTLMSSP_OID), Der.tlv(0xa2, Der.tlv(0x04, token))));
    }

    /** Whether the client's blob is SPNEGO (then the answer is too) rather than a bare NTLMSSP message. */
    public static boolean isSpnego(byte[] blob) {
        return blob.length > 0 && ((blob[0] & 0xff) == 0x60 || (blob[0] & 0xff) == 0xa1);
    }

    /**
     * The NTLMSSP message inside a SPNEGO blob (or the blob itself), found by its signature: the server needs only the
     * mechToken/responseToken and every other SPNEGO field is optional. Empty when there is none.
     */
    public static byte[] ntlmsspToken(byte[] blob) {
        for (int i = 0; i + NTLMSSP_SIGNATURE.length <= blob.length; i++) {
            if (Arrays.equals(blob, i, i + NTLMSSP_SIGNATURE.length, NTLMSSP_SIGNATURE, 0, NTLMSSP_SIGNATURE.length)) {
                return Arrays.copyOfRange(blob, i, blob.length);
            }
        }
        return new byte[0];
    }
}
