package org.nbstack.smb.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nbstack.smb.auth.Account;
import org.nbstack.smb.auth.NtlmClient;
import org.nbstack.smb.auth.NtlmV2;
import org.nbstack.smb.crypto.MessageCipher;
import org.nbstack.smb.crypto.MessageSigner;
import org.nbstack.smb.protocol.NtStatus;
import org.nbstack.smb.protocol.Smb2Command;
import org.nbstack.smb.protocol.Smb2Header;
import org.nbstack.smb.protocol.Smb2Requests;
import org.nbstack.smb.share.Share;

/**
 * SMB 3.0.x encryption (MS-SMB2 3.3.5.2.1.1, 3.3.4.1.4, 3.3.5.5.3): what a client sees when the server wants sessions
 * encrypted, and that an unencrypted request on such a session, or an altered encrypted one, never runs.
 */
class EncryptionTest {

    private static final byte[] KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
    private static final String PASSWORD = "correct horse";
    private static final int CAP_ENCRYPTION = 0x40;

    @TempDir
    Path tmp;
    private Path root;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private SmbService service;
    private SmbConnection connection;
    private long sessionId;
    private int treeId;
    private long messageId;
    private final MessageCipher client = MessageCipher.client(KEY, new SecureRandom());

    private void start(Protection.Encryption encryption) throws Exception {
        root = Files.createDirectories(tmp.resolve("share"));
        service = new SmbService(SmbSettings.defaults("TEST", List.of(new Share("share", root, false, true)))
                .withProtection(new Protection(Protection.Signing.ENABLED, encryption)), meters,
                name -> Optional.of(new Account("alice", NtlmV2.ntHash(PASSWORD.toCharArray()), false, false))
                        .filter(account -> account.name().equalsIgnoreCase(name)));
        connection = new SmbConnection(service, "192.0.2.7:49152");
    }

    @AfterEach
    void stop() {
        if (connection != null) {
            connection.close("test over");
            service.close();
        }
    }

    /** NEGOTIATE {@code dialect} with {@code capabilities}; the logon's final response. */
    private ByteBuf logon(int dialect, int capabilities) {
        ByteBuf negotiate = Smb2Requests.negotiate(dialect);
        negotiate.setIntLE(8, capabilities);
        ByteBuf n = connection.process(Smb2Requests.message(Smb2Command.NEGOTIATE, messageId++, 0, 0, negotiate));
        assertThat(n.getIntLE(Smb2Header.SIZE + 24) & CAP_ENCRYPTION).as("ENCRYPTION capability").isEqualTo(dialect >= 0x0300 ? CAP_ENCRYPTION : 0);
        n.release();
        byte[] ntlmNegotiate = NtlmClient.negotiate(NtlmClient.FLAGS | NtlmClient.KEY_EXCH);
        ByteBuf first = connection.process(Smb2Requests.message(Smb2Command.SESSION_SETUP, messageId++, 0, 0,
                Smb2Requests.sessionSetup(ntlmNegotiate)));
        sessionId = first.getLongLE(40);
        byte[] challenge = new byte[first.getUnsignedShortLE(Smb2Header.SIZE + 6)];
        first.getBytes(first.getUnsignedShortLE(Smb2Header.SIZE + 4), challenge);
        first.release();
        byte[] authenticate = NtlmClient.authenticate(ntlmNegotiate, challenge, "WORKGROUP", "alice", PASSWORD, KEY, false);
        return connection.process(Smb2Requests.message(Smb2Command.SESSION_SETUP, messageId++, sessionId, 0,
                Smb2Requests.sessionSetup(authenticate)));
    }

    /** {@code request} encrypted for the session, processed, the response decrypted. */
    private ByteBuf encryptedCall(ByteBuf request) {
        ByteBuf sent = client.encrypt(request, sessionId);
        request.release();
        ByteBuf response = connection.process(sent);
        assertThat(MessageCipher.isTransform(response)).as("the response is encrypted").isTrue();
        ByteBuf plain = client.decrypt(response);
        response.release();
        assertThat(plain).as("the response decrypts with the ServerOut key").isNotNull();
        return plain;
    }

    private void encryptedSession() throws Exception {
        start(Protection.Encryption.DESIRED);
        ByteBuf last = logon(0x0302, CAP_ENCRYPTION);
        assertThat(last.getIntLE(8)).isEqualTo(NtStatus.SUCCESS);
        assertThat(last.getUnsignedShortLE(Smb2Header.SIZE + 2)).as("SessionFlags: ENCRYPT_DATA").isEqualTo(0x0004);
        last.release();
        ByteBuf tree = encryptedCall(Smb2Requests.message(Smb2Command.TREE_CONNECT, messageId++, sessionId, 0,
                Smb2Requests.treeConnect("\\\\TEST\\share")));
        assertThat(tree.getIntLE(8)).isEqualTo(NtStatus.SUCCESS);
        treeId = tree.getIntLE(36);
        tree.release();
    }

    private ByteBuf create(String name) {
        return Smb2Requests.message(Smb2Command.CREATE, messageId++, sessionId, treeId,
                Smb2Requests.create(name, Smb2Requests.GENERIC_READ | Smb2Requests.GENERIC_WRITE, 2 /* FILE_CREATE */));
    }

    @Test
    void anEncryptedRequestRunsAndItsResponseIsEncrypted() throws Exception {
        encryptedSession();
        ByteBuf response = encryptedCall(create("secret.txt"));
        assertThat(response.getIntLE(8)).isEqualTo(NtStatus.SUCCESS);
        assertThat(response.getIntLE(16) & Smb2Header.FLAG_SIGNED).as("encrypted, so not signed").isZero();
        response.release();
        assertThat(root.resolve("secret.txt")).exists();
    }

    @Test
    void anUnencryptedRequestOnASessionThatEncryptsIsRefusedAndNeverRuns() throws Exception {
        encryptedSession();
        ByteBuf signedOnly = create("plain.txt");
        MessageSigner.forDialect(0x0302, KEY).sign(signedOnly);
        ByteBuf response = connection.process(signedOnly);
        assertThat(response.getIntLE(8)).isEqualTo(NtStatus.ACCESS_DENIED);
        response.release();
        assertThat(root.resolve("plain.txt")).doesNotExist();
        assertThat(meters.find("smb.requests.refused").tag("reason", "unencrypted").counter().count()).isEqualTo(1);
    }

    @Test
    void anAlteredEncryptedMessageEndsTheConnectionUnexecuted() throws Exception {
        encryptedSession();
        ByteBuf request = create("forged.txt");
        ByteBuf sent = client.encrypt(request, sessionId);
        request.release();
        sent.setByte(sent.writerIndex() - 2, sent.getByte(sent.writerIndex() - 2) ^ 0x01);
        assertThatThrownBy(() -> connection.process(sent)).isInstanceOf(SmbConnection.ConnectionFault.class);
        assertThat(root.resolve("forged.txt")).doesNotExist();
        assertThat(meters.find("smb.requests.refused").tag("reason", "bad-encryption").counter().count()).isEqualTo(1);
    }

    @Test
    void requiredRefusesASessionThatCannotEncrypt() throws Exception {
        start(Protection.Encryption.REQUIRED);
        ByteBuf last = logon(0x0210, 0);
        assertThat(last.getIntLE(8)).as("SMB 2.1 has no encryption").isEqualTo(NtStatus.ACCESS_DENIED);
        last.release();
    }

    @Test
    void offOffersNoEncryption() throws Exception {
        start(Protection.Encryption.OFF);
        ByteBuf negotiate = Smb2Requests.negotiate(0x0302);
        negotiate.setIntLE(8, CAP_ENCRYPTION);
        ByteBuf n = connection.process(Smb2Requests.message(Smb2Command.NEGOTIATE, messageId++, 0, 0, negotiate));
        assertThat(n.getIntLE(Smb2Header.SIZE + 24) & CAP_ENCRYPTION).isZero();
        n.release();
    }

}
