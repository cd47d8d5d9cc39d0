package org.nbstack.smb.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nbstack.smb.auth.Account;
import org.nbstack.smb.auth.Accounts;
import org.nbstack.smb.auth.NtlmClient;
import org.nbstack.smb.auth.NtlmV2;
import org.nbstack.smb.protocol.NtStatus;
import org.nbstack.smb.protocol.Smb2Command;
import org.nbstack.smb.protocol.Smb2Header;
import org.nbstack.smb.protocol.Smb2Requests;
import org.nbstack.smb.share.Share;
import org.slf4j.LoggerFactory;

/** NTLMv2 logons through SESSION_SETUP: statuses, session flags, the session key signing builds on, meters and logs. */
class SmbLogonTest {

    private static final String PASSWORD = "correct horse";
    private static final byte[] RANDOM_KEY = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");

    @TempDir
    Path tmp;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private SmbService service;
    private SmbConnection connection;
    private long messageId;

    private final Accounts accounts = name -> Optional.ofNullable(Map.of(
            "alice", new Account("alice", NtlmV2.ntHash(PASSWORD.toCharArray()), false, false),
            "dora", new Account("dora", NtlmV2.ntHash(PASSWORD.toCharArray()), true, false),
            "lock", new Account("lock", NtlmV2.ntHash(PASSWORD.toCharArray()), false, true),
            "bob", new Account("bob", NtlmV2.ntHash(PASSWORD.toCharArray()), false, false),
            "carol", new Account("carol", NtlmV2.ntHash(PASSWORD.toCharArray()), false, false)).get(Account.key(name)));

    private void start(SmbSettings.MapToGuest map) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("share"));
        Path team = Files.createDirectories(tmp.resolve("team"));
        Files.writeString(team.resolve("plan.txt"), "v1");
        List<Share> shares = List.of(new Share("share", root, false, true),
                // only alice and carol; carol may only read although the share is writable
                new Share("team", team, false, false, Set.of("Alice", "carol"), Set.of("carol"), Set.of()),
                // read-only, but alice may write
                new Share("docs", team, true, false, Set.of(), Set.of(), Set.of("alice")));
        service = new SmbService(SmbSettings.defaults("TEST", shares).withMapToGuest(map), meters, accounts);
        connection = new SmbConnection(service, "192.0.2.7:49152");
        connection.process(Smb2Requests.message(Smb2Command.NEGOTIATE, messageId++, 0, 0, Smb2Requests.negotiate(0x0302))).release();
    }

    @AfterEach
    void stop() {
        if (connection != null) {
            connection.close("test over");
            service.close();
        }
    }

    /** Status, SessionFlags and session id of a two-round logon as {@code user} with {@code password}. */
    private record Outcome(int status, int flags, long sessionId) {
    }

    private Outcome logon(String user, String password) {
        byte[] negotiate = NtlmClient.negotiate(NtlmClient.FLAGS | NtlmClient.KEY_EXCH);
        ByteBuf first = connection.process(Smb2Requests.message(Smb2Command.SESSION_SETUP, messageId++, 0, 0, Smb2Requests.sessionSetup(negotiate)));
        assertThat(first.getIntLE(8)).isEqualTo(NtStatus.MORE_PROCESSING_REQUIRED);
        long sessionId = first.getLongLE(40);
        int offset = first.getUnsignedShortLE(Smb2Header.SIZE + 4);
        byte[] challenge = new byte[first.getUnsignedShortLE(Smb2Header.SIZE + 6)];
        first.getBytes(offset, challenge);
        first.release();
        byte[] auth = NtlmClient.authenticate(negotiate, challenge, "WORKGROUP", user, password, RANDOM_KEY, false);
        ByteBuf second = connection.process(Smb2Requests.message(Smb2Command.SESSION_SETUP, messageId++, sessionId, 0, Smb2Requests.sessionSetup(auth)));
        Outcome outcome = new Outcome(second.getIntLE(8), second.getUnsignedShortLE(Smb2Header.SIZE + 2), sessionId);
        second.release();
        return outcome;
    }

    private double failures(String reason) {
        var counter = meters.find("smb.logon.failures").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void theRightPasswordGivesAUserSessionWithTheExportedSessionKey() throws Exception {
        start(SmbSettings.MapToGuest.NEVER);
        Outcome ok = logon("ALICE", PASSWORD);
        assertThat(ok.status()).isEqualTo(NtStatus.SUCCESS);
        assertThat(ok.flags()).as("neither IS_GUEST nor IS_NULL: the client signs").isZero();
        SmbSession session = connection.sessionById(ok.sessionId());
        assertThat(session.guest).isFalse();
        assertThat(session.sessionKey).isEqualTo(RANDOM_KEY);
        assertThat(connection.view().details().get("users")).isEqualTo(List.of("alice"));
    }

    @Test
    void aWrongPasswordIsLogonFailureAndTheSessionIsGone() throws Exception {
        start(SmbSettings.MapToGuest.BAD_USER);
        Outcome bad = logon("alice", "correct horse!");
        assertThat(bad.status()).isEqualTo(NtStatus.LOGON_FAILURE);
        assertThat(connection.sessionById(bad.sessionId())).isNull();
        assertThat(failures("bad-password")).isEqualTo(1);
    }

    @Test
    void unknownUsersFailUnlessMappedToGuest() throws Exception {
        start(SmbSettings.MapToGuest.NEVER);
        assertThat(logon("mallory", PASSWORD).status()).isEqualTo(NtStatus.LOGON_FAILURE);
        assertThat(failures("unknown-user")).isEqualTo(1);
        stop();
        start(SmbSettings.MapToGuest.BAD_USER);
        Outcome guest = logon("mallory", PASSWORD);
        assertThat(guest.status()).isEqualTo(NtStatus.SUCCESS);
        assertThat(guest.flags()).as("IS_GUEST").isEqualTo(0x1);
        assertThat(connection.sessionById(guest.sessionId()).sessionKey).isNull();
        assertThat(connection.sessionById(guest.sessionId()).guest).isTrue();
    }

    @Test
    void disabledAndLockedAccountsGetTheirStatuses() throws Exception {
        start(SmbSettings.MapToGuest.NEVER);
        assertThat(logon("dora", PASSWORD).status()).isEqualTo(NtStatus.ACCOUNT_DISABLED);
        assertThat(logon("lock", PASSWORD).status()).isEqualTo(NtStatus.ACCOUNT_LOCKED_OUT);
        assertThat(logon("dora", "guess").status()).as("a wrong password tells nothing of the account").isEqualTo(NtStatus.LOGON_FAILURE);
        assertThat(failures("disabled")).isEqualTo(1);
        assertThat(failures("locked")).isEqualTo(1);
    }

    @Test
    void aSourceThatFailsTooOftenIsRefusedEvenWithTheRightPassword() throws Exception {
        start(SmbSettings.MapToGuest.NEVER);
        for (int i = 0; i < SmbService.MAX_LOGON_FAILURES; i++) {
            assertThat(logon("alice", "guess " + i).status()).isEqualTo(NtStatus.LOGON_FAILURE);
        }
        assertThat(logon("alice", PASSWORD).status()).isEqualTo(NtStatus.LOGON_FAILURE);
        assertThat(meters.get("smb.logon.refused").counter().count()).isEqualTo(1);
        assertThat(meters.get("smb.logon.sources").gauge().value()).isEqualTo(1);
    }

    @Test
    void logLinesOfALogonNameTheSourceButNeitherPasswordNorHash() throws Exception {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        try {
            start(SmbSettings.MapToGuest.NEVER);
            logon("alice", "wrong " + PASSWORD);
            logon("alice", PASSWORD);
        } finally {
            root.detachAppender(appender);
        }
        List<String> lines = appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).anyMatch(l -> l.contains("192.0.2.7") && l.contains("alice") && l.contains("bad-password"));
        String hash = HexFormat.of().formatHex(NtlmV2.ntHash(PASSWORD.toCharArray()));
        for (String line : lines) {
            assertThat(line.toLowerCase()).doesNotContain(PASSWORD).doesNotContain(hash).doesNotContain(HexFormat.of().formatHex(RANDOM_KEY));
        }
    }

    /** TREE_CONNECT's status and, on success, its tree id. */
    private record Connected(int status, int treeId) {
    }

    private Connected treeConnect(long sessionId, String share) {
        ByteBuf r = connection.process(Smb2Requests.message(Smb2Command.TREE_CONNECT, messageId++, sessionId, 0,
                Smb2Requests.treeConnect("\\\\TEST\\" + share)));
        Connected c = new Connected(r.getIntLE(8), r.getIntLE(36));
        r.release();
        return c;
    }

    /** The status of opening the existing plan.txt for writing in the tree. */
    private int openForWriting(long sessionId, int treeId) {
        ByteBuf r = connection.process(Smb2Requests.message(Smb2Command.CREATE, messageId++, sessionId, treeId,
                Smb2Requests.create("plan.txt", Smb2Requests.GENERIC_WRITE, Smb2Requests.FILE_OPEN)));
        int status = r.getIntLE(8);
        r.release();
        return status;
    }

    @Test
    void aShareOpensToItsValidUsersOnlyAndGrantsWhatTheirListsSay() throws Exception {
        start(SmbSettings.MapToGuest.BAD_USER);
        long alice = logon("alice", PASSWORD).sessionId();
        long bob = logon("bob", PASSWORD).sessionId();
        long carol = logon("carol", PASSWORD).sessionId();
        long guest = logon("mallory", PASSWORD).sessionId();

        assertThat(treeConnect(bob, "team").status()).as("bob is not a valid user of team").isEqualTo(NtStatus.ACCESS_DENIED);
        assertThat(treeConnect(guest, "team").status()).as("team is not guest-ok").isEqualTo(NtStatus.ACCESS_DENIED);
        assertThat(treeConnect(guest, "docs").status()).as("docs is not guest-ok").isEqualTo(NtStatus.ACCESS_DENIED);
        assertThat(treeConnect(guest, "share").status()).as("share is guest-ok").isEqualTo(NtStatus.SUCCESS);

        Connected aliceTeam = treeConnect(alice, "team");
        assertThat(aliceTeam.status()).isEqualTo(NtStatus.SUCCESS);
        assertThat(openForWriting(alice, aliceTeam.treeId())).isEqualTo(NtStatus.SUCCESS);
        Connected carolTeam = treeConnect(carol, "team");
        assertThat(carolTeam.status()).isEqualTo(NtStatus.SUCCESS);
        assertThat(openForWriting(carol, carolTeam.treeId())).as("carol is on team's read list").isEqualTo(NtStatus.ACCESS_DENIED);

        Connected bobDocs = treeConnect(bob, "docs");
        assertThat(bobDocs.status()).as("docs has no valid-users list").isEqualTo(NtStatus.SUCCESS);
        assertThat(openForWriting(bob, bobDocs.treeId())).as("docs is read-only").isEqualTo(NtStatus.ACCESS_DENIED);
        Connected aliceDocs = treeConnect(alice, "docs");
        assertThat(openForWriting(alice, aliceDocs.treeId())).as("alice is on docs' write list").isEqualTo(NtStatus.SUCCESS);
    }
}
