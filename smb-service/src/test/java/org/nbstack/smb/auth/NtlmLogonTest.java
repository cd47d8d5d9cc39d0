package org.nbstack.smb.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A server CHALLENGE answered by a client that knows (or not) the password: what NtlmLogon decides and which key it derives. */
class NtlmLogonTest {

    private static final byte[] RANDOM_KEY = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6};

    private static Accounts accounts(Account... list) {
        Map<String, Account> byName = new java.util.HashMap<>();
        for (Account a : list) {
            byName.put(Account.key(a.name()), a);
        }
        return name -> Optional.ofNullable(byName.get(Account.key(name)));
    }

    private static final Accounts ALICE = accounts(new Account("alice", NtlmV2.ntHash("s3cret".toCharArray()), false, false));

    private static NtlmLogon.Result logon(Accounts accounts, String user, String password, byte[] randomKey, boolean mic) {
        byte[] negotiate = NtlmClient.negotiate(NtlmClient.FLAGS | NtlmClient.KEY_EXCH);
        Ntlmssp.Challenge challenge = Ntlmssp.challenge(Ntlmssp.negotiateFlags(negotiate), "SERVER");
        byte[] auth = NtlmClient.authenticate(negotiate, challenge.message(), "WORKGROUP", user, password, randomKey, mic);
        return NtlmLogon.verify(Ntlmssp.authenticate(auth), negotiate, challenge, accounts);
    }

    @Test
    void theRightPasswordLogsOnWithTheClientsExportedSessionKey() {
        NtlmLogon.Result result = logon(ALICE, "Alice", "s3cret", RANDOM_KEY, true);
        assertThat(result).isInstanceOfSatisfying(NtlmLogon.Success.class, s -> {
            assertThat(s.account().name()).isEqualTo("alice");
            assertThat(s.sessionKey()).isEqualTo(RANDOM_KEY);
        });
    }

    @Test
    void withoutKeyExchangeTheSessionKeyIsTheSessionBaseKey() {
        byte[] negotiate = NtlmClient.negotiate(NtlmClient.FLAGS);
        Ntlmssp.Challenge challenge = Ntlmssp.challenge(NtlmClient.FLAGS, "SERVER");
        byte[] auth = NtlmClient.authenticate(negotiate, challenge.message(), "", "alice", "s3cret", null, false);
        NtlmLogon.Result result = NtlmLogon.verify(Ntlmssp.authenticate(auth), negotiate, challenge, ALICE);
        byte[] nt = Ntlmssp.authenticate(auth).ntResponse();
        byte[] ntowf = NtlmV2.ntowfV2(NtlmV2.ntHash("s3cret".toCharArray()), "alice", "");
        byte[] expected = NtlmV2.sessionBaseKey(ntowf, Arrays.copyOf(nt, 16));
        assertThat(result).isInstanceOfSatisfying(NtlmLogon.Success.class, s -> assertThat(s.sessionKey()).isEqualTo(expected));
    }

    @Test
    void aWrongPasswordOrUnknownUserFails() {
        assertThat(logon(ALICE, "alice", "S3cret", RANDOM_KEY, true)).isEqualTo(new NtlmLogon.Failure(NtlmLogon.Reason.BAD_PASSWORD, "alice"));
        assertThat(logon(ALICE, "bob", "s3cret", RANDOM_KEY, true)).isEqualTo(new NtlmLogon.Failure(NtlmLogon.Reason.UNKNOWN_USER, "bob"));
    }

    @Test
    void anAuthenticateMessageChangedOnTheWayFailsItsMic() {
        byte[] negotiate = NtlmClient.negotiate(NtlmClient.FLAGS | NtlmClient.KEY_EXCH);
        Ntlmssp.Challenge challenge = Ntlmssp.challenge(Ntlmssp.negotiateFlags(negotiate), "SERVER");
        byte[] auth = NtlmClient.authenticate(negotiate, challenge.message(), "WORKGROUP", "alice", "s3cret", RANDOM_KEY, true);
        auth[60] &= ~0x10; // a man in the middle strips NEGOTIATE_SIGN: the proof still holds, the MIC does not
        assertThat(NtlmLogon.verify(Ntlmssp.authenticate(auth), negotiate, challenge, ALICE))
                .isEqualTo(new NtlmLogon.Failure(NtlmLogon.Reason.BAD_MIC, "alice"));
    }

    @Test
    void aProofForAnotherChallengeFails() {
        byte[] negotiate = NtlmClient.negotiate(NtlmClient.FLAGS);
        Ntlmssp.Challenge first = Ntlmssp.challenge(NtlmClient.FLAGS, "SERVER");
        Ntlmssp.Challenge second = Ntlmssp.challenge(NtlmClient.FLAGS, "SERVER");
        byte[] auth = NtlmClient.authenticate(negotiate, first.message(), "", "alice", "s3cret", null, false);
        assertThat(NtlmLogon.verify(Ntlmssp.authenticate(auth), negotiate, second, ALICE))
                .isEqualTo(new NtlmLogon.Failure(NtlmLogon.Reason.BAD_PASSWORD, "alice"));
    }

    @Test
    void disabledAndLockedAccountsAreToldOnlyAfterTheRightPassword() {
        byte[] hash = NtlmV2.ntHash("pw".toCharArray());
        Accounts states = accounts(new Account("off", hash, true, false), new Account("stuck", hash, false, true));
        assertThat(logon(states, "off", "pw", null, false)).isEqualTo(new NtlmLogon.Failure(NtlmLogon.Reason.DISABLED, "off"));
        assertThat(logon(states, "stuck", "pw", null, false)).isEqualTo(new NtlmLogon.Failure(NtlmLogon.Reason.LOCKED, "stuck"));
        assertThat(logon(states, "off", "guess", null, false)).isEqualTo(new NtlmLogon.Failure(NtlmLogon.Reason.BAD_PASSWORD, "off"));
    }

    @Test
    void ntlmV1ResponsesAreRefusedAndAnEmptyResponseIsAnonymous() {
        byte[] negotiate = NtlmClient.negotiate(NtlmClient.FLAGS);
        Ntlmssp.Challenge challenge = Ntlmssp.challenge(NtlmClient.FLAGS, "SERVER");
        byte[] v1 = NtlmClient.message(NtlmClient.FLAGS, new byte[24], new byte[24], new byte[0], NtlmClient.utf16("alice"), new byte[0],
                new byte[0]);
        assertThat(NtlmLogon.verify(Ntlmssp.authenticate(v1), negotiate, challenge, ALICE))
                .isEqualTo(new NtlmLogon.Failure(NtlmLogon.Reason.NTLM_V1, "alice"));
        byte[] anonymous = NtlmClient.message(NtlmClient.FLAGS, new byte[1], new byte[0], new byte[0], new byte[0], new byte[0], new byte[0]);
        assertThat(NtlmLogon.verify(Ntlmssp.authenticate(anonymous), negotiate, challenge, ALICE)).isEqualTo(new NtlmLogon.Anonymous());
    }
}
