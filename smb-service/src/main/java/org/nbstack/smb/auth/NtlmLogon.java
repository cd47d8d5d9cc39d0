package org.nbstack.smb.auth;

import java.util.Arrays;
import java.util.Optional;

/**
 * Verifies an NTLMv2 AUTHENTICATE message against the accounts (MS-NLMP 3.2.5.1.2, 3.3.2) and derives the session key.
 * The password is checked before the account's state, so a disabled or locked account tells nothing to a guesser.
 */
public final class NtlmLogon {

    /** Why a logon failed; {@code tag} names it in meters and logs. */
    public enum Reason {
        UNKNOWN_USER("unknown-user"),
        BAD_PASSWORD("bad-password"),
        NTLM_V1("ntlm-v1"),
        BAD_MIC("bad-mic"),
        DISABLED("disabled"),
        LOCKED("locked");

        public final String tag;

        Reason(String tag) {
            this.tag = tag;
        }
    }

    /** The outcome of a logon. */
    public sealed interface Result {
    }

    /** An empty user with an empty response (MS-NLMP 3.2.5.1.2): a null session, no key. */
    public record Anonymous() implements Result {
    }

    /** The account proved its password; {@code sessionKey} is the ExportedSessionKey (16 octets). */
    public record Success(Account account, byte[] sessionKey) implements Result {
    }

    public record Failure(Reason reason, String user) implements Result {
    }

    private NtlmLogon() {
    }

    /**
     * @param negotiate the client's NEGOTIATE message and {@code challenge} the server's answer, as sent: the MIC covers both
     */
    public static Result verify(Ntlmssp.Authenticate auth, byte[] negotiate, Ntlmssp.Challenge challenge, Accounts accounts) {
        if (auth.anonymous()) {
            return new Anonymous();
        }
        Optional<Account> found = accounts.find(auth.user());
        if (found.isEmpty()) {
            return new Failure(Reason.UNKNOWN_USER, auth.user());
        }
        Account account = found.get();
        if (!auth.ntlmV2()) {
            return new Failure(Reason.NTLM_V1, auth.user()); // NTLMv1 and LM are not accepted: their hashes are too weak
        }
        byte[] nt = auth.ntResponse();
        byte[] proof = Arrays.copyOfRange(nt, 0, 16);
        byte[] blob = Arrays.copyOfRange(nt, 16, nt.length);
        byte[] ntHash = account.ntHash();
        byte[] ntowf = null;
        // MS-NLMP 3.3.2: the domain as the client sent it (what Windows does), then upper-cased as some clients compute it
        for (String domain : new String[] {auth.domain(), auth.domain().toUpperCase(java.util.Locale.ROOT)}) {
            byte[] candidate = NtlmV2.ntowfV2(ntHash, auth.user(), domain);
            if (NtlmV2.sameBytes(proof, NtlmV2.ntProofStr(candidate, challenge.serverChallenge(), blob))) {
                ntowf = candidate;
                break;
            }
        }
        Arrays.fill(ntHash, (byte) 0);
        if (ntowf == null) {
            return new Failure(Reason.BAD_PASSWORD, auth.user());
        }
        byte[] keyExchangeKey = NtlmV2.sessionBaseKey(ntowf, proof); // MS-NLMP 3.4.5.1: with NTLMv2, KeyExchangeKey = SessionBaseKey
        byte[] sessionKey = auth.keyExchange() && auth.encryptedSessionKey().length == NtlmV2.HASH_SIZE
                ? NtlmV2.rc4(keyExchangeKey, auth.encryptedSessionKey())
                : keyExchangeKey;
        if (auth.micPresent() && !micMatches(auth, negotiate, challenge.message(), sessionKey)) {
            return new Failure(Reason.BAD_MIC, auth.user());
        }
        if (account.disabled()) {
            return new Failure(Reason.DISABLED, auth.user());
        }
        if (account.locked()) {
            return new Failure(Reason.LOCKED, auth.user());
        }
        return new Success(account, sessionKey);
    }

    /** MS-NLMP 3.2.5.1.2: MIC = HMAC_MD5(ExportedSessionKey, NEGOTIATE || CHALLENGE || AUTHENTICATE with the MIC zeroed). */
    private static boolean micMatches(Ntlmssp.Authenticate auth, byte[] negotiate, byte[] challenge, byte[] sessionKey) {
        byte[] message = auth.message().clone();
        byte[] mic = Arrays.copyOfRange(message, Ntlmssp.MIC_OFFSET, Ntlmssp.MIC_OFFSET + Ntlmssp.MIC_SIZE);
        Arrays.fill(message, Ntlmssp.MIC_OFFSET, Ntlmssp.MIC_OFFSET + Ntlmssp.MIC_SIZE, (byte) 0);
        return NtlmV2.sameBytes(mic, NtlmV2.hmacMd5(sessionKey, negotiate, challenge, message));
    }
}
