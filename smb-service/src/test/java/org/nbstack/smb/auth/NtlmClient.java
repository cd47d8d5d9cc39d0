package org.nbstack.smb.auth;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The client side of NTLMv2 for tests: NEGOTIATE and AUTHENTICATE messages built as MS-NLMP 3.1.5 says. */
public final class NtlmClient {

    public static final int FLAGS = 0x1 | 0x4 | 0x10 | 0x200 | 0x8000 | 0x80000 | 0x800000 | 0x2000000 | 0x20000000 | 0x80000000;
    public static final int KEY_EXCH = 0x40000000;

    private NtlmClient() {
    }

    public static byte[] negotiate(int flags) {
        ByteBuffer b = le(new byte[40]);
        b.put("NTLMSSP\0".getBytes(StandardCharsets.US_ASCII)).putInt(1).putInt(flags);
        return b.array();
    }

    /** The target info (AV pairs) of a CHALLENGE message. */
    public static byte[] targetInfo(byte[] challenge) {
        ByteBuffer b = le(challenge);
        int length = b.getShort(40) & 0xffff;
        int offset = b.getInt(44);
        return Arrays.copyOfRange(challenge, offset, offset + length);
    }

    public static byte[] serverChallenge(byte[] challenge) {
        return Arrays.copyOfRange(challenge, 24, 32);
    }

    /** An NTLMv2 response blob (MS-NLMP 2.2.2.7), with MsvAvFlags 0x2 added when {@code withMic}. */
    public static byte[] blob(byte[] targetInfo, byte[] clientChallenge, boolean withMic) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {1, 1, 0, 0, 0, 0, 0, 0});
        out.writeBytes(new byte[8]); // timestamp
        out.writeBytes(clientChallenge);
        out.writeBytes(new byte[4]);
        byte[] pairs = Arrays.copyOf(targetInfo, targetInfo.length - 4); // without MsvAvEOL
        out.writeBytes(pairs);
        if (withMic) {
            out.writeBytes(new byte[] {6, 0, 4, 0, 2, 0, 0, 0});
        }
        out.writeBytes(new byte[4]); // MsvAvEOL
        out.writeBytes(new byte[4]);
        return out.toByteArray();
    }

    /**
     * An AUTHENTICATE message answering {@code challenge} for {@code user}/{@code password}; with {@code randomSessionKey}
     * non-null it is sent encrypted (KEY_EXCH); with {@code withMic} a MIC over {@code negotiate}, the challenge and it.
     */
    public static byte[] authenticate(byte[] negotiate, byte[] challenge, String domain, String user, String password,
            byte[] randomSessionKey, boolean withMic) {
        byte[] ntowf = NtlmV2.ntowfV2(NtlmV2.ntHash(password.toCharArray()), user, domain);
        byte[] blob = blob(targetInfo(challenge), new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, withMic);
        byte[] proof = NtlmV2.ntProofStr(ntowf, serverChallenge(challenge), blob);
        byte[] nt = concat(proof, blob);
        byte[] baseKey = NtlmV2.sessionBaseKey(ntowf, proof);
        int flags = FLAGS | (randomSessionKey != null ? KEY_EXCH : 0);
        byte[] encryptedKey = randomSessionKey != null ? NtlmV2.rc4(baseKey, randomSessionKey) : new byte[0];
        byte[] exported = randomSessionKey != null ? randomSessionKey : baseKey;
        byte[] message = message(flags, new byte[24], nt, utf16(domain), utf16(user), utf16("WS"), encryptedKey);
        if (withMic) {
            byte[] mic = NtlmV2.hmacMd5(exported, negotiate, challenge, message);
            System.arraycopy(mic, 0, message, 72, 16);
        }
        return message;
    }

    public static byte[] message(int flags, byte[] lm, byte[] nt, byte[] domain, byte[] user, byte[] workstation, byte[] key) {
        int payload = 88;
        ByteBuffer b = le(new byte[payload + lm.length + nt.length + domain.length + user.length + workstation.length + key.length]);
        b.put("NTLMSSP\0".getBytes(StandardCharsets.US_ASCII)).putInt(3);
        int at = payload;
        for (byte[] field : new byte[][] {lm, nt, domain, user, workstation, key}) {
            b.putShort((short) field.length).putShort((short) field.length).putInt(at);
            at += field.length;
        }
        b.putInt(flags);
        b.position(payload);
        for (byte[] field : new byte[][] {lm, nt, domain, user, workstation, key}) {
            b.put(field);
        }
        return b.array();
    }

    public static byte[] utf16(String s) {
        return s.getBytes(StandardCharsets.UTF_16LE);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
}
