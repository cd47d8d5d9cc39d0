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
     * The mechToken of a NegTokenInit or the responseToken of a NegTokenResp (RFC 4178 4.2), exactly as sent (the NTLM
     * MIC covers its octets); a bare NTLMSSP message is returned as it is. Empty when the SPNEGO token carries none.
     *
     * @throws MalformedTokenException when the blob is neither an NTLMSSP message nor a well-formed SPNEGO token
     */
    public static byte[] ntlmsspToken(byte[] blob) {
        if (blob.length == 0) {
            return blob;
        }
        if (blob.length >= NTLMSSP_SIGNATURE.length
                && Arrays.equals(blob, 0, NTLMSSP_SIGNATURE.length, NTLMSSP_SIGNATURE, 0, NTLMSSP_SIGNATURE.length)) {
            return blob;
        }
        Der.Tlv outer = Der.read(blob, 0, blob.length);
        Der.Tlv fields;
        if (outer.tag() == 0x60) {
            // RFC 2743 3.1: [APPLICATION 0] { thisMech OID, innerContextToken }; RFC 4178 4.2.1: [0] NegTokenInit
            Der.Tlv oid = Der.read(blob, outer.start(), outer.end());
            if (!Arrays.equals(blob, oid.start() - 2, oid.end(), SPNEGO_OID, 0, SPNEGO_OID.length)) {
                throw new MalformedTokenException("not a SPNEGO token (another mechanism's OID)");
            }
            Der.Tlv init = Der.read(blob, oid.end(), outer.end());
            if (init.tag() != 0xa0) {
                throw new MalformedTokenException("SPNEGO: expected NegTokenInit");
            }
            fields = Der.only(blob, init, 0x30);
        } else if (outer.tag() == 0xa1) {
            fields = Der.only(blob, outer, 0x30); // RFC 4178 4.2.2: [1] NegTokenResp
        } else {
            throw new MalformedTokenException(String.format("neither NTLMSSP nor SPNEGO (first octet 0x%02x)", outer.tag()));
        }
        Der.Tlv token = Der.find(blob, fields, 0xa2); // mechToken / responseToken, both [2] OCTET STRING
        if (token == null) {
            return new byte[0];
        }
        Der.Tlv octets = Der.only(blob, token, 0x04);
        return Arrays.copyOfRange(blob, octets.start(), octets.end());
    }
}
