package org.nbstack.smb.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nbstack.smb.protocol.NtStatus;
import org.nbstack.smb.protocol.Smb2Command;
import org.nbstack.smb.protocol.Smb2Header;
import org.nbstack.smb.protocol.Smb2Requests;
import org.nbstack.smb.share.Share;

/** Requests as bytes in, statuses out: what a client sees for bad and unsupported requests (MS-SMB2 3.3.5). */
class SmbConnectionTest {

    @TempDir
    Path tmp;
    private SmbService service;
    private SmbConnection connection;
    private long sessionId;
    private int treeId;

    @BeforeEach
    void start() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("share"));
        Path readOnlyRoot = Files.createDirectories(tmp.resolve("ro"));
        Files.writeString(readOnlyRoot.resolve("there.txt"), "kept");
        service = new SmbService(SmbSettings.defaults("TEST",
                List.of(new Share("share", root, false, true), new Share("ro", readOnlyRoot, true, true))), new SimpleMeterRegistry());
        connection = new SmbConnection(service, "test");
    }

    @AfterEach
    void stop() {
        connection.close("test over");
        service.close();
    }

    @Test
    void negotiateChoosesTheHighestCommonDialectUpTo302() {
        ByteBuf r = negotiate(0x0202, 0x0302, 0x0311);
        assertThat(status(r)).isEqualTo(NtStatus.SUCCESS);
        assertThat(r.getUnsignedShortLE(Smb2Header.SIZE + 4)).isEqualTo(0x0302);
        r.release();
    }

    @Test
    void noCommonDialectIsNotSupported() {
        ByteBuf r = negotiate(0x0311);
        assertThat(status(r)).isEqualTo(NtStatus.NOT_SUPPORTED);
        r.release();
    }

    @Test
    void aRequestBeforeNegotiateEndsTheConnection() {
        assertThatThrownBy(() -> connection.process(request(Smb2Command.ECHO, 0, 0, body(4))))
                .isInstanceOf(SmbConnection.ConnectionFault.class);
    }

    @Test
    void anonymousLogonIsFlaggedNullSoTheClientDoesNotSign() {
        logon();
        assertThat(sessionId).isNotZero();
    }

    @Test
    void errorStatusesOfTreeAndCreate() {
        logon();
        assertThat(statusOf(treeConnect("\\\\TEST\\nosuch"))).isEqualTo(NtStatus.BAD_NETWORK_NAME);
        ByteBuf tc = treeConnect("\\\\TEST\\SHARE");
        assertThat(status(tc)).isEqualTo(NtStatus.SUCCESS);
        treeId = tc.getIntLE(36);
        tc.release();
        assertThat(statusOf(create("..\\etc\\passwd", 1))).isEqualTo(NtStatus.OBJECT_NAME_INVALID);
        assertThat(statusOf(create("missing.txt", 1))).isEqualTo(NtStatus.OBJECT_NAME_NOT_FOUND);
        assertThat(statusOf(create("\\lead.txt", 1))).isEqualTo(NtStatus.INVALID_PARAMETER);
        assertThat(statusOf(create("new.txt", 7))).as("disposition beyond OVERWRITE_IF").isEqualTo(NtStatus.INVALID_PARAMETER);
        assertThat(statusOf(create("new.txt", 2))).isEqualTo(NtStatus.SUCCESS);
        assertThat(statusOf(create("new.txt", 2))).isEqualTo(NtStatus.OBJECT_NAME_COLLISION);
        assertThat(statusOf(connection.process(request(Smb2Command.CREATE, sessionId, treeId, body(10)))))
                .as("a truncated CREATE").isEqualTo(NtStatus.INVALID_PARAMETER);
        assertThat(statusOf(connection.process(request(0x55, sessionId, treeId, body(4))))).as("an unknown command")
                .isEqualTo(NtStatus.INVALID_PARAMETER);
        assertThat(statusOf(connection.process(request(Smb2Command.ECHO, 999, 0, body(4))))).as("echo needs no session")
                .isEqualTo(NtStatus.SUCCESS);
        assertThat(statusOf(connection.process(request(Smb2Command.TREE_DISCONNECT, 999, treeId, body(4)))))
                .isEqualTo(NtStatus.USER_SESSION_DELETED);
        assertThat(statusOf(connection.process(request(Smb2Command.TREE_DISCONNECT, sessionId, 4242, body(4)))))
                .isEqualTo(NtStatus.NETWORK_NAME_DELETED);
        assertThat(connection.openCount()).isEqualTo(1);
    }

    /**
     * A FIFO, or a socket, in the share: CREATE is refused at once instead of waiting (opening a FIFO for reading waits
     * for a writer, which would hold an I/O slot for good). With the old behaviour the CREATE blocks; the test then
     * opens the writing end itself so that nothing stays blocked, and fails.
     */
    @Test
    void aFifoOrSocketInTheShareIsRefusedAtOnce() throws Exception {
        Path fifo = tmp.resolve("share/pipe");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true).start();
        assertThat(mkfifo.waitFor(30, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).as("mkfifo").isTrue();
        logon();
        ByteBuf tc = treeConnect("\\\\TEST\\share");
        treeId = tc.getIntLE(36);
        tc.release();
        try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            socket.bind(UnixDomainSocketAddress.of(tmp.resolve("share/socket")));
            for (String special : List.of("pipe", "socket")) {
                Future<ByteBuf> reply = Executors.newVirtualThreadPerTaskExecutor().submit(() -> connection.process(
                        request(Smb2Command.CREATE, sessionId, treeId, Smb2Requests.create(special, Smb2Requests.GENERIC_READ, Smb2Requests.FILE_OPEN))));
                try {
                    assertThat(statusOf(reply.get(30, TimeUnit.SECONDS))).as("CREATE of %s", special).isEqualTo(NtStatus.ACCESS_DENIED);
                } catch (TimeoutException blocked) {
                    try (OutputStream writer = Files.newOutputStream(fifo)) { // lets the blocked open return
                        statusOf(reply.get(30, TimeUnit.SECONDS));
                    }
                    throw new AssertionError("the CREATE of " + special + " blocked");
                }
            }
        }
        assertThat(connection.openCount()).isZero();
    }

    @Test
    void aReadOnlyShareAnswersEachDispositionAsSambaDoes() throws Exception {
        logon();
        ByteBuf tc = treeConnect("\\\\TEST\\ro");
        assertThat(status(tc)).isEqualTo(NtStatus.SUCCESS);
        treeId = tc.getIntLE(36);
        tc.release();
        int read = 0x80000000; // GENERIC_READ
        int readWrite = read | 0x40000000;
        assertThat(statusOf(create("missing.txt", 1, read))).as("FILE_OPEN of a missing file").isEqualTo(NtStatus.OBJECT_NAME_NOT_FOUND);
        assertThat(statusOf(create("missing.txt", 1, readWrite))).as("FILE_OPEN for writing of a missing file")
                .isEqualTo(NtStatus.OBJECT_NAME_NOT_FOUND);
        assertThat(statusOf(create("missing.txt", 4, read))).as("FILE_OVERWRITE of a missing file").isEqualTo(NtStatus.OBJECT_NAME_NOT_FOUND);
        assertThat(statusOf(create("there.txt", 2, read))).as("FILE_CREATE of an existing file").isEqualTo(NtStatus.OBJECT_NAME_COLLISION);
        for (int wouldCreate : new int[] {0, 2, 3, 5}) { // SUPERSEDE, CREATE, OPEN_IF, OVERWRITE_IF
            assertThat(statusOf(create("missing.txt", wouldCreate, read))).as("disposition %d of a missing file", wouldCreate)
                    .isEqualTo(NtStatus.ACCESS_DENIED);
        }
        for (int wouldOverwrite : new int[] {0, 4, 5}) { // SUPERSEDE, OVERWRITE, OVERWRITE_IF
            assertThat(statusOf(create("there.txt", wouldOverwrite, read))).as("disposition %d of an existing file", wouldOverwrite)
                    .isEqualTo(NtStatus.ACCESS_DENIED);
        }
        assertThat(statusOf(create("there.txt", 1, readWrite))).as("FILE_OPEN for writing").isEqualTo(NtStatus.ACCESS_DENIED);
        assertThat(statusOf(create("there.txt", 1, read))).isEqualTo(NtStatus.SUCCESS);
        assertThat(statusOf(create("there.txt", 3, read))).as("FILE_OPEN_IF of an existing file").isEqualTo(NtStatus.SUCCESS);
        assertThat(Files.readString(tmp.resolve("ro/there.txt"))).isEqualTo("kept");
        assertThat(tmp.resolve("ro/missing.txt")).doesNotExist();
    }

    @Test
    void everyResponseGrantsACreditAndTheTotalIsBounded() {
        ByteBuf r = negotiate(0x0210);
        r.release();
        int total = 1;
        for (int i = 0; i < 300; i++) {
            ByteBuf h = request(Smb2Command.ECHO, 0, 0, body(4));
            h.setShortLE(14, 1000); // asks for 1000 credits each time
            ByteBuf echo = connection.process(h);
            int granted = echo.getUnsignedShortLE(14);
            assertThat(granted).isGreaterThanOrEqualTo(1);
            total += granted - 1;
            echo.release();
        }
        assertThat(total).isLessThanOrEqualTo(service.settings().maxCredits());
    }

    /**
     * LOCK and WRITE statuses smbtorture's smb2.lock and smb2.rw check (MS-SMB2 3.3.5.13, 3.3.5.14): a range whose last
     * octet lies past 2^64 - 1 is INVALID_LOCK_RANGE, one ending exactly there is granted; an unlock with another flag
     * is INVALID_PARAMETER; a shared lock stops its own open's writes; a WRITE at 0xFFFFFFFFFFFFFFFF on an open that
     * may write (not only append) is INVALID_PARAMETER.
     */
    @Test
    void lockRangesFlagsAndWritesCheckedAsWindowsDoes() {
        logon();
        ByteBuf tc = treeConnect("\\\\TEST\\SHARE");
        treeId = tc.getIntLE(36);
        tc.release();
        ByteBuf created = create("locked.dat", 2);
        assertThat(status(created)).isEqualTo(NtStatus.SUCCESS);
        byte[] fileId = new byte[16];
        created.getBytes(Smb2Header.SIZE + 64, fileId);
        created.release();
        int exclusive = Smb2Requests.LOCK_EXCLUSIVE_FAIL_IMMEDIATELY;
        assertThat(statusOf(lock(fileId, -1L, 2, exclusive))).as("max/2").isEqualTo(NtStatus.INVALID_LOCK_RANGE);
        assertThat(statusOf(lock(fileId, -1L, -1L, exclusive))).as("max/max").isEqualTo(NtStatus.INVALID_LOCK_RANGE);
        assertThat(statusOf(lock(fileId, -1L, 1, exclusive))).as("max/1 ends at 2^64 - 1").isEqualTo(NtStatus.SUCCESS);
        assertThat(statusOf(lock(fileId, 0, 1, 0x4 | 0x10))).as("unlock | fail-immediately").isEqualTo(NtStatus.INVALID_PARAMETER);
        assertThat(statusOf(lock(fileId, 0, 1, 0x1 | 0x40))).as("an undefined flag").isEqualTo(NtStatus.INVALID_PARAMETER);
        assertThat(statusOf(lock(fileId, 0, 100, 0x1))).as("shared").isEqualTo(NtStatus.SUCCESS);
        assertThat(statusOf(write(fileId, 10, 1))).as("own write under its shared lock").isEqualTo(NtStatus.FILE_LOCK_CONFLICT);
        assertThat(statusOf(write(fileId, 200, 1))).isEqualTo(NtStatus.SUCCESS);
        assertThat(statusOf(write(fileId, -1L, 1))).as("write at 2^64 - 1 on a writable open").isEqualTo(NtStatus.INVALID_PARAMETER);
        assertThat(statusOf(write(fileId, Long.MAX_VALUE, 1))).as("write past 2^63").isEqualTo(NtStatus.INVALID_PARAMETER);
        assertThat(statusOf(write(fileId, Long.MAX_VALUE, 0))).as("empty write at 2^63 - 1").isEqualTo(NtStatus.SUCCESS);
    }

    private ByteBuf lock(byte[] fileId, long offset, long length, int flags) {
        return connection.process(request(Smb2Command.LOCK, sessionId, treeId, Smb2Requests.lock(fileId, offset, length, flags)));
    }

    private ByteBuf write(byte[] fileId, long offset, int length) {
        ByteBuf b = Unpooled.buffer().writeShortLE(49).writeShortLE(Smb2Header.SIZE + 48).writeIntLE(length).writeLongLE(offset)
                .writeBytes(fileId).writeIntLE(0).writeIntLE(0).writeShortLE(0).writeShortLE(0).writeIntLE(0).writeZero(Math.max(1, length));
        return connection.process(request(Smb2Command.WRITE, sessionId, treeId, b));
    }

    // ---------------------------------------------------------------- request builders

    private ByteBuf create(String name, int disposition) {
        return create(name, disposition, 0x80000000 | 0x40000000 | 0x10000); // GENERIC_READ | GENERIC_WRITE | DELETE
    }

    private ByteBuf create(String name, int disposition, int desiredAccess) {
        byte[] n = name.getBytes(StandardCharsets.UTF_16LE);
        ByteBuf b = body(57);
        b.writerIndex(24);
        b.writeIntLE(desiredAccess);
        b.writeIntLE(0);
        b.writeIntLE(7);
        b.writeIntLE(disposition);
        b.writeIntLE(0);
        b.writeShortLE(Smb2Header.SIZE + 56);
        b.writeShortLE(n.length);
        b.writeIntLE(0);
        b.writeIntLE(0);
        b.writeBytes(n);
        return connection.process(request(Smb2Command.CREATE, sessionId, treeId, b));
    }

    private ByteBuf treeConnect(String path) {
        byte[] p = path.getBytes(StandardCharsets.UTF_16LE);
        ByteBuf b = Unpooled.buffer().writeShortLE(9).writeShortLE(0).writeShortLE(Smb2Header.SIZE + 8).writeShortLE(p.length).writeBytes(p);
        return connection.process(request(Smb2Command.TREE_CONNECT, sessionId, 0, b));
    }

    private void logon() {
        negotiate(0x0302).release();
        byte[] negotiate = new byte[32];
        System.arraycopy("NTLMSSP\0".getBytes(StandardCharsets.US_ASCII), 0, negotiate, 0, 8);
        negotiate[8] = 1;
        ByteBuf first = connection.process(request(Smb2Command.SESSION_SETUP, 0, 0, sessionSetup(negotiate)));
        assertThat(status(first)).isEqualTo(NtStatus.MORE_PROCESSING_REQUIRED);
        sessionId = first.getLongLE(40);
        first.release();
        byte[] authenticate = new byte[72]; // every field empty: anonymous
        System.arraycopy("NTLMSSP\0".getBytes(StandardCharsets.US_ASCII), 0, authenticate, 0, 8);
        authenticate[8] = 3;
        authenticate[60] = 1; // NEGOTIATE_UNICODE
        ByteBuf second = connection.process(request(Smb2Command.SESSION_SETUP, sessionId, 0, sessionSetup(authenticate)));
        assertThat(status(second)).isEqualTo(NtStatus.SUCCESS);
        assertThat(second.getUnsignedShortLE(Smb2Header.SIZE + 2)).as("SessionFlags").isEqualTo(0x2); // IS_NULL
        second.release();
    }

    private static ByteBuf sessionSetup(byte[] token) {
        return Unpooled.buffer().writeShortLE(25).writeByte(0).writeByte(1).writeIntLE(0).writeIntLE(0)
                .writeShortLE(Smb2Header.SIZE + 24).writeShortLE(token.length).writeLongLE(0).writeBytes(token);
    }

    private ByteBuf negotiate(int... dialects) {
        ByteBuf b = Unpooled.buffer().writeShortLE(36).writeShortLE(dialects.length).writeShortLE(1).writeShortLE(0).writeIntLE(0)
                .writeZero(16).writeLongLE(0);
        for (int d : dialects) {
            b.writeShortLE(d);
        }
        return connection.process(request(Smb2Command.NEGOTIATE, 0, 0, b));
    }

    private static ByteBuf body(int structureSize) {
        ByteBuf b = Unpooled.buffer();
        b.writeShortLE(structureSize);
        b.writeZero(Math.max(0, (structureSize & ~1) - 2));
        return b;
    }

    private static long messageId;

    private static ByteBuf request(int command, long sessionId, int treeId, ByteBuf body) {
        ByteBuf out = Unpooled.buffer();
        new Smb2Header(1, 0, command, 1, 0, 0, messageId++, 0, treeId, sessionId).encode(out);
        out.setIntLE(16, 0); // a request: no SERVER_TO_REDIR
        out.writeBytes(body);
        body.release();
        return out;
    }

    private static int status(ByteBuf response) {
        return response.getIntLE(8);
    }

    private static int statusOf(ByteBuf response) {
        int s = status(response);
        response.release();
        return s;
    }
}
