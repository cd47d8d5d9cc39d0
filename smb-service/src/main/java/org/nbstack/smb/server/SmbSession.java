package org.nbstack.smb.server;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nbstack.smb.auth.Ntlmssp;
import org.nbstack.smb.crypto.MessageCipher;
import org.nbstack.smb.crypto.MessageSigner;

/** An SMB session (MS-SMB2 3.3.1.8): set up by NTLMSSP in two rounds, then holding trees. */
final class SmbSession {

    final long id;
    boolean authenticated;
    boolean anonymous;
    /** A named logon the server took as its guest (an unknown user under map-to-guest = bad-user). */
    boolean guest;
    String user = "";
    /**
     * The key signing and encryption derive theirs from (MS-SMB2 3.3.5.5.3 Session.SessionKey): NTLM's
     * ExportedSessionKey, 16 octets; null for anonymous and guest sessions, which cannot sign.
     */
    byte[] sessionKey;
    /** The NTLMSSP exchange in progress: the client's NEGOTIATE and the server's CHALLENGE, as sent (the MIC covers them). */
    byte[] ntlmNegotiate;
    Ntlmssp.Challenge ntlmChallenge;
    final Map<Integer, Tree> trees = new LinkedHashMap<>();
    /** Set once the session of an account is set up: every request must then be signed and every response is (MS-SMB2 3.3.5.2.4). */
    MessageSigner signer;
    /** MS-SMB2 3.3.1.8 Session.SigningRequired: unsigned requests are refused (signed ones are always verified). */
    boolean signingRequired;
    /** Set with the signer on 3.0.x when encryption is on: decrypts this session's requests, encrypts its responses. */
    MessageCipher cipher;
    /** MS-SMB2 3.3.1.8 Session.EncryptData: every request must come encrypted (SESSION_SETUP said ENCRYPT_DATA). */
    boolean encryptData;

    SmbSession(long id) {
        this.id = id;
    }

    String who() {
        if (anonymous) {
            return "anonymous";
        }
        return guest ? "guest (as '" + user + "')" : "user '" + user + "'";
    }
}
