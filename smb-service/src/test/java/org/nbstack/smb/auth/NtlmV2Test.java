package org.nbstack.smb.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The NTLMv2 computations against the test vectors of MS-NLMP 4.2.4 (user "User", domain "Domain", password "Password"). */
class NtlmV2Test {

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] SERVER_CHALLENGE = HEX.parseHex("0123456789abcdef");
    private static final byte[] CLIENT_CHALLENGE = HEX.parseHex("aaaaaaaaaaaaaaaa");
    /** MS-NLMP 4.2.4.1.3 and 4.2.4.2.2: the CHALLENGE's AV pairs, NetBIOS domain "Domain" and computer "Server", then MsvAvEOL. */
    private static final byte[] TARGET_INFO = HEX.parseHex("02000c0044006f006d00610069006e00" + "01000c00530065007200760065007200" + "00000000");

    private static byte[] ntowf() {
        return NtlmV2.ntowfV2(NtlmV2.ntHash("Password".toCharArray()), "User", "Domain");
    }

    @Test
    void ntHashIsMd4OfTheUtf16Password() {
        // MS-NLMP 4.2.2.1.2 NTOWFv1("Password")
        assertThat(HEX.formatHex(NtlmV2.ntHash("Password".toCharArray()))).isEqualTo("a4f49c406510bdcab6824ee7c30fd852");
    }

    @Test
    void ntowfV2UpperCasesTheUserOnly() {
        assertThat(HEX.formatHex(ntowf())).isEqualTo("0c868a403bfd7a93a3001ef22ef02e3f");
        assertThat(NtlmV2.ntowfV2(NtlmV2.ntHash("Password".toCharArray()), "user", "Domain")).isEqualTo(ntowf());
        assertThat(NtlmV2.ntowfV2(NtlmV2.ntHash("Password".toCharArray()), "User", "DOMAIN")).isNotEqualTo(ntowf());
    }

    @Test
    void ntProofStrSessionBaseKeyAndKeyExchangeMatchTheSpecification() {
        byte[] blob = NtlmClient.blob(TARGET_INFO, CLIENT_CHALLENGE, false); // MS-NLMP 4.2.4.2.2: time 0
        byte[] proof = NtlmV2.ntProofStr(ntowf(), SERVER_CHALLENGE, blob);
        assertThat(HEX.formatHex(proof)).isEqualTo("68cd0ab851e51c96aabc927bebef6a1c");
        byte[] baseKey = NtlmV2.sessionBaseKey(ntowf(), proof);
        assertThat(HEX.formatHex(baseKey)).isEqualTo("8de40ccadbc14a82f15cb0ad0de95ca3");
        // MS-NLMP 4.2.4.2.3: RandomSessionKey 55..55 encrypted with the KeyExchangeKey, and back
        byte[] random = HEX.parseHex("55555555555555555555555555555555");
        byte[] encrypted = NtlmV2.rc4(baseKey, random);
        assertThat(HEX.formatHex(encrypted)).isEqualTo("c5dad2544fc9799094ce1ce90bc9d03e");
        assertThat(NtlmV2.rc4(baseKey, encrypted)).isEqualTo(random);
    }
}
