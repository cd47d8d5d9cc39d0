package org.nbstack.smb.auth;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Optional;

/**
 * Fuzzes what SESSION_SETUP decodes of a client's security blob: the SPNEGO token (DER), the NTLMSSP message inside it,
 * and the NTLMv2 response's AV pairs as a logon reads them. Whatever the bytes, the only exception that may escape is
 * {@link MalformedTokenException}, which SESSION_SETUP answers with INVALID_PARAMETER. A plain test run replays the
 * seeds in {@code src/test/resources/.../SecurityTokenFuzzTestInputs/decode}; its own surefire execution
 * ({@code fuzz-security-tokens} in the pom) fuzzes it for real for 15 s with {@code JAZZER_FUZZ=1}.
 */
class SecurityTokenFuzzTest {

    private static final Account ALICE = new Account("alice", NtlmV2.ntHash("pw".toCharArray()), false, false);
    private static final Accounts ACCOUNTS = name -> Account.key(name).equals("alice") ? Optional.of(ALICE) : Optional.empty();
    private static final Ntlmssp.Challenge CHALLENGE = new Ntlmssp.Challenge(new byte[56], new byte[8]);

    @FuzzTest(maxDuration = "15s")
    void decode(byte[] blob) {
        try {
            byte[] token = Spnego.ntlmsspToken(blob);
            Ntlmssp.negotiateFlags(token);
            if (Ntlmssp.messageType(token) == Ntlmssp.AUTHENTICATE_MESSAGE) {
                Ntlmssp.Authenticate auth = Ntlmssp.authenticate(token);
                NtlmLogon.verify(auth, new byte[40], CHALLENGE, ACCOUNTS);
            }
        } catch (MalformedTokenException expected) {
            // the one error a client's blob may cause
        }
        try {
            NtlmLogon.verify(Ntlmssp.authenticate(blob), new byte[40], CHALLENGE, ACCOUNTS); // a bare NTLMSSP message
        } catch (MalformedTokenException expected) {
            // as above
        }
    }
}
