package org.nbstack.smb.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nbstack.smb.auth.Account;
import org.nbstack.smb.auth.NtlmClient;
import org.nbstack.smb.auth.NtlmV2;
import org.nbstack.smb.crypto.MessageSigner;
import org.nbstack.smb.protocol.NtStatus;
import org.nbstack.smb.protocol.Smb2Command;
import org.nbstack.smb.protocol.Smb2Header;
import org.nbstack.smb.protocol.Smb2Requests;
import org.nbstack.smb.share.Share;

/**
 * Signing on a session that has a key (MS-SMB2 3.3.5.2.4, 3.3.4.1.1): what a client sees when its requests are signed,
 * unsigned or tampered with, alone and in compounds; and that an unsigned or forged request never runs.
 */
class RequestSigningTest {

    private static final byte[] KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
    private static final String PASSWORD = "correct horse";

    @TempDir
    Path tmp;
    private Path root;
    private SimpleMeterRegistry meters;
    private SmbService service;
    private SmbConnection connection;
    private MessageSigner client;
    private long sessionId;
    private int treeId;
    private long messageId;

    private void start(Protection protection) throws Exception {
        root = Files.createDirectories(tmp.resolve("share"));
        meters = new SimpleMeterRegistry();
        service = new SmbService(SmbSettings.defaults("TEST", List.of(new Share("share", root, false, true))).withProtection(protection),
                meters, name -> Optional.of(new Account("alice", NtlmV2.ntHash(PASSWORD.toCharArray()), false, false))
                        .filter(account -> account.name().equalsIgnoreCase(name)));
        connection = new SmbConnection(service, "192.0.2.7:49152");
    }

    /** NEGOTIATE {@code dialect}, an NTLMv2 logon of an account whose session key is {@code KEY}, TREE_CONNECT signed. */
    private void signedSession(int dialect) throws Exception {
        signedSession(dialect, Protection.DEFAULT);
    }

    /** As above, on a server whose signing is configured as {@code protection} says. */
    private void signedSession(int dialect, Protection protection) throws Exception {
        start(protection);
        release(send(Smb2Requests.message(Smb2Command.NEGOTIATE, messageId++, 0, 0, Smb2Requests.negotiate(dialect))));
        byte[] negotiate = NtlmClient.negotiate(NtlmClient.FLAGS | NtlmClient.KEY_EXCH);
        ByteBuf first = send(Smb2Requests.message(Smb2Command.SESSION_SETUP, messageId++, 0, 0, Smb2Requests.sessionSetup(negotiate)));
        sessionId = first.getLongLE(40);
        byte[] challenge = new byte[first.getUnsignedShortLE(Smb2Header.SIZE + 6)];
        first.getBytes(first.getUnsignedShortLE(Smb2Header.SIZE + 4), challenge);
        first.release();
        byte[] authenticate = NtlmClient.authenticate(negotiate, challenge, "WORKGROUP", "alice", PASSWORD, KEY, false);
        client = MessageSigner.forDialect(dialect, KEY); // KEY_EXCH: the exported session key is the one the client chose
        ByteBuf last = send(Smb2Requests.message(Smb2Command.SESSION_SETUP, messageId++, sessionId, 0, Smb2Requests.sessionSetup(authenticate)));
        assertThat(last.getIntLE(8)).isEqualTo(NtStatus.SUCCESS);
        assertThat(last.getUnsignedShortLE(Smb2Header.SIZE + 2)).as("SessionFlags: neither IS_GUEST nor IS_NULL").isZero();
        assertThat(client.verifies(last)).as("the final SESSION_SETUP response is signed (MS-SMB2 3.3.5.5.3)").isTrue();
        last.release();
        ByteBuf tree = send(signed(Smb2Command.TREE_CONNECT, Smb2Requests.treeConnect("\\\\TEST\\share")));
        assertThat(tree.getIntLE(8)).isEqualTo(NtStatus.SUCCESS);
        treeId = tree.getIntLE(36);
        tree.release();
    }

    @AfterEach
    void stop() {
        if (connection != null) {
            connection.close("test over");
            service.close();
        }
    }

    @ParameterizedTest(name = "dialect {0}")
    @ValueSource(ints = {0x0202, 0x0210, 0x0300, 0x0302})
    void signedRequestsRunAndTheirResponsesAreSignedWithTheSessionKey(int dialect) throws Exception {
        signedSession(dialect);
        ByteBuf response = send(signed(Smb2Command.CREATE, create("made.txt")));
        assertThat(response.getIntLE(8)).isEqualTo(NtStatus.SUCCESS);
        assertThat(response.getIntLE(16) & Smb2Header.FLAG_SIGNED).isEqualTo(Smb2Header.FLAG_SIGNED);
        assertThat(client.verifies(response)).as("the response's signature, checked by the client").isTrue();
        response.release();
        assertThat(root.resolve("made.txt")).exists();
    }

    /** MS-SMB2 3.3.5.2.4: where neither side requires signing, a client that does not sign (impacket) is served. */
    @ParameterizedTest(name = "dialect {0}")
    @ValueSource(ints = {0x0210, 0x0302})
    void anUnsignedRequestRunsWhereNeitherSideRequiresSigning(int dialect) throws Exception {
        signedSession(dialect);
        ByteBuf response = send(Smb2Requests.message(Smb2Command.CREATE, messageId++, sessionId, treeId, create("unsigned.txt")));
        assertThat(response.getIntLE(8)).isEqualTo(NtStatus.SUCCESS);
        response.release();
        assertThat(root.resolve("unsigned.txt")).exists();
        assertThat(refused("unsigned")).isZero();
    }

    @ParameterizedTest(name = "dialect {0}")
    @ValueSource(ints = {0x0210, 0x0302})
    void anUnsignedRequestIsRefusedAndNeverRunsWhereSigningIsRequired(int dialect) throws Exception {
        signedSession(dialect, new Protection(Protection.Signing.REQUIRED));
        ByteBuf response = send(Smb2Requests.message(Smb2Command.CREATE, messageId++, sessionId, treeId, create("unsigned.txt")));
        assertThat(response.getIntLE(8)).isEqualTo(NtStatus.ACCESS_DENIED);
        assertThat(client.verifies(response)).as("even the refusal is signed").isTrue();
        response.release();
        assertThat(root.resolve("unsigned.txt")).doesNotExist();
        assertThat(refused("unsigned")).isEqualTo(1.0);
    }

    @ParameterizedTest(name = "dialect {0}")
    @ValueSource(ints = {0x0210, 0x0302})
    void aTamperedRequestIsRefusedNeverRunsAndTheSessionCarriesOn(int dialect) throws Exception {
        signedSession(dialect);
        ByteBuf tampered = signed(Smb2Command.CREATE, create("forged.txt"));
        int nameAt = tampered.writerIndex() - 2; // the last octet of the name: "forged.txt" becomes "forged.txu"
        tampered.setByte(nameAt, tampered.getByte(nameAt) + 1);
        ByteBuf refused = send(tampered);
        assertThat(refused.getIntLE(8)).isEqualTo(NtStatus.ACCESS_DENIED);
        refused.release();
        assertThat(root.resolve("forged.txt")).doesNotExist();
        assertThat(root.resolve("forged.txu")).doesNotExist();
        assertThat(refused("bad-signature")).isEqualTo(1.0);

        ByteBuf after = send(signed(Smb2Command.CREATE, create("after.txt")));
        assertThat(after.getIntLE(8)).as("a correct request after the forged one").isEqualTo(NtStatus.SUCCESS);
        after.release();
        assertThat(root.resolve("after.txt")).exists();
    }

    @Test
    void eachRequestOfACompoundIsVerifiedAndEachResponseSignedOnItsOwn() throws Exception {
        signedSession(0x0302);
        ByteBuf first = signed(Smb2Command.CREATE, create("one.txt"));
        ByteBuf second = signed(Smb2Command.CREATE, create("two.txt"));
        ByteBuf third = signed(Smb2Command.CREATE, create("three.txt"));
        third.setByte(third.writerIndex() - 2, 0x41); // forged after signing: "three.txA"
        ByteBuf compound = compound(first, second, third);
        ByteBuf response = send(compound);
        int[] statuses = new int[3];
        int at = 0;
        for (int i = 0; i < 3; i++) {
            int next = response.getIntLE(at + 20);
            ByteBuf one = response.slice(at, next == 0 ? response.readableBytes() - at : next);
            statuses[i] = one.getIntLE(8);
            assertThat(client.verifies(one)).as("response %d's own signature", i).isTrue();
            at += next;
        }
        response.release();
        assertThat(statuses).containsExactly(NtStatus.SUCCESS, NtStatus.SUCCESS, NtStatus.ACCESS_DENIED);
        assertThat(root.resolve("one.txt")).exists();
        assertThat(root.resolve("two.txt")).exists();
        assertThat(root.resolve("three.txt")).doesNotExist();
    }

    @Test
    void anAnonymousSessionNeitherSignsNorNeedsSignatures() throws Exception {
        start(Protection.DEFAULT);
        release(send(Smb2Requests.message(Smb2Command.NEGOTIATE, messageId++, 0, 0, Smb2Requests.negotiate(0x0302))));
        ByteBuf first = send(Smb2Requests.message(Smb2Command.SESSION_SETUP, messageId++, 0, 0,
                Smb2Requests.sessionSetup(Smb2Requests.ntlmssp(1, 32))));
        sessionId = first.getLongLE(40);
        first.release();
        ByteBuf last = send(Smb2Requests.message(Smb2Command.SESSION_SETUP, messageId++, sessionId, 0,
                Smb2Requests.sessionSetup(Smb2Requests.ntlmssp(3, 72))));
        assertThat(last.getIntLE(16) & Smb2Header.FLAG_SIGNED).isZero();
        last.release();
        ByteBuf tree = send(Smb2Requests.message(Smb2Command.TREE_CONNECT, messageId++, sessionId, 0,
                Smb2Requests.treeConnect("\\\\TEST\\share")));
        assertThat(tree.getIntLE(8)).isEqualTo(NtStatus.SUCCESS);
        assertThat(tree.getIntLE(16) & Smb2Header.FLAG_SIGNED).isZero();
        tree.release();
    }

    @Test
    void negotiateSaysSigningRequiredOnlyWhenConfigured() throws Exception {
        start(Protection.DEFAULT);
        ByteBuf enabled = send(Smb2Requests.message(Smb2Command.NEGOTIATE, 0, 0, 0, Smb2Requests.negotiate(0x0302)));
        assertThat(enabled.getUnsignedShortLE(Smb2Header.SIZE + 2)).as("SecurityMode").isEqualTo(0x01);
        enabled.release();
        stop();
        start(new Protection(Protection.Signing.REQUIRED));
        ByteBuf required = send(Smb2Requests.message(Smb2Command.NEGOTIATE, 0, 0, 0, Smb2Requests.negotiate(0x0302)));
        assertThat(required.getUnsignedShortLE(Smb2Header.SIZE + 2)).as("SecurityMode").isEqualTo(0x03);
        required.release();
    }

    private double refused(String reason) {
        var counter = meters.find("smb.requests.refused").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private ByteBuf send(ByteBuf message) {
        return connection.process(message);
    }

    private static void release(ByteBuf b) {
        b.release();
    }

    private ByteBuf signed(int command, ByteBuf body) {
        ByteBuf message = Smb2Requests.message(command, messageId++, sessionId, treeId, body);
        client.sign(message);
        return message;
    }

    /** Unrelated requests chained, each padded to 8 octets and signed again with its NextCommand set. */
    private ByteBuf compound(ByteBuf... requests) {
        ByteBuf out = Unpooled.buffer();
        for (int i = 0; i < requests.length; i++) {
            ByteBuf r = requests[i];
            if (i < requests.length - 1) {
                r.writeZero((8 - r.readableBytes() % 8) % 8);
                r.setIntLE(20, r.readableBytes());
                client.sign(r);
            }
            out.writeBytes(r);
            r.release();
        }
        return out;
    }

    private static ByteBuf create(String name) {
        return Smb2Requests.create(name, Smb2Requests.GENERIC_READ | Smb2Requests.GENERIC_WRITE, 2 /* FILE_CREATE */);
    }
}
