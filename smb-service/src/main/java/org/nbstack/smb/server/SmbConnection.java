package org.nbstack.smb.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.nbstack.netbios.session.ServiceView;
import org.nbstack.smb.auth.MalformedTokenException;
import org.nbstack.smb.auth.NtlmLogon;
import org.nbstack.smb.auth.Ntlmssp;
import org.nbstack.smb.auth.Spnego;
import org.nbstack.smb.crypto.MessageCipher;
import org.nbstack.smb.crypto.MessageSigner;
import org.nbstack.smb.protocol.NtStatus;
import org.nbstack.smb.protocol.Smb2Command;
import org.nbstack.smb.protocol.Smb2Header;
import org.nbstack.smb.protocol.SmbStatusException;
import org.nbstack.smb.share.Share;
import org.nbstack.smb.share.SharePaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMB2 server side of one transport connection (MS-SMB2 3.3): negotiation, sessions, trees and opens, and the
 * processing of each (possibly compound) request message into its response message. Sans I/O towards the network:
 * {@link #process} takes a message and returns the answer; it does file I/O and so must run off the event loops.
 * Calls are serialized by the caller; {@link #close} may come from another thread and is synchronized with them.
 */
public final class SmbConnection {

    private static final Logger LOG = LoggerFactory.getLogger(SmbConnection.class);
    public static final int[] DIALECTS = {0x0202, 0x0210, 0x0300, 0x0302};
    private static final int DIALECT_WILDCARD = 0x02FF;
    private static final long NO_FILE = -1L; // MS-SMB2 3.3.5.2.7.2: 0xFFFFFFFFFFFFFFFF means the previous open of a compound
    private static final int FSCTL_DFS_GET_REFERRALS = 0x00060194;
    private static final int FSCTL_DFS_GET_REFERRALS_EX = 0x000601B0;
    private static final int FSCTL_VALIDATE_NEGOTIATE_INFO = 0x00140204;
    private static final int FSCTL_QUERY_NETWORK_INTERFACE_INFO = 0x001401FC; // MS-SMB2 2.2.31: asks for no open
    private static final int CAP_DFS = 0x1;
    private static final int CAP_ENCRYPTION = 0x40;

    private final SmbService service;
    private final SmbSettings settings;
    private final String peer;
    private final Map<Long, SmbSession> sessions = new LinkedHashMap<>();
    private final Map<Long, FileOpen> opens = new LinkedHashMap<>();
    private int dialect;
    private int clientCapabilities;
    private int clientSecurityMode;
    private byte[] clientGuid = new byte[16];
    private long nextSessionId = 1;
    private int nextTreeId = 1;
    private long nextFileId = 1;
    private int creditsHeld = 1; // MS-SMB2 3.3.1.2: a new connection may send one request (the NEGOTIATE)
    private boolean closed;
    /** Whether the message being processed came in a TRANSFORM_HEADER (MS-SMB2 3.3.5.2.1.1: Request.IsEncrypted). */
    private boolean inTransform;
    /** Rebuilt after each request that may change it, so admin views read it without waiting on this connection's lock. */
    private volatile ServiceView view;
    private boolean viewStale;

    SmbConnection(SmbService service, String peer) {
        this.service = service;
        this.settings = service.settings();
        this.peer = peer;
        this.view = describe();
    }

    /** The connection's user, dialect, trees, open files and locks as of its last request; never waits. */
    public ServiceView view() {
        return view;
    }

    private ServiceView describe() {
        String negotiated = dialect == 0 ? "none" : dialect == DIALECT_WILDCARD ? "2.???" : dialectName(dialect);
        return ConnectionView.of(negotiated, sessions.values(), opens.values(), service.locks());
    }

    /** Commands after which the users, trees, opens or locks of the connection may differ. */
    private static boolean changesView(int command) {
        return switch (command) {
            case Smb2Command.NEGOTIATE, Smb2Command.SESSION_SETUP, Smb2Command.LOGOFF, Smb2Command.TREE_CONNECT,
                    Smb2Command.TREE_DISCONNECT, Smb2Command.CREATE, Smb2Command.CLOSE, Smb2Command.LOCK, Smb2Command.SET_INFO -> true;
            default -> false;
        };
    }

    int dialect() {
        return dialect;
    }

    /** Per-request state carried through a compound (MS-SMB2 3.3.5.2.7). */
    private static final class Compound {
        long sessionId;
        int treeId;
        long fileId = NO_FILE;
        int status;
        /** The key of the session this request belongs to, when it signs: its response is signed with it. */
        MessageSigner responseSigner;
    }

    /** What a command answers: a status and, for success or a few errors, a body (released by the caller). */
    private record Reply(int status, ByteBuf body) {
    }

    /**
     * The response message to one request message, or null when nothing is to be sent (CANCEL).
     * Never throws for anything the client sent. Releases {@code message}.
     */
    public synchronized ByteBuf process(ByteBuf message) {
        try {
            if (closed) {
                return null;
            }
            if (message.readableBytes() >= 4 && message.getIntLE(message.readerIndex()) == Smb2Header.SMB1_PROTOCOL_ID) {
                viewStale = true;
                return smb1Negotiate(message);
            }
            if (MessageCipher.isTransform(message)) {
                return encrypted(message);
            }
            return compound(message);
        } finally {
            message.release();
            if (viewStale) {
                viewStale = false;
                view = describe();
            }
        }
    }

    /**
     * MS-SMB2 3.3.5.2.1.1: a message in a TRANSFORM_HEADER is decrypted with its session's key and processed, and its
     * response encrypted; one that names no session that encrypts, or does not decrypt, ends the connection unanswered.
     */
    private ByteBuf encrypted(ByteBuf message) {
        if (message.readableBytes() <= MessageCipher.TRANSFORM_HEADER_SIZE) {
            throw new ConnectionFault("truncated TRANSFORM_HEADER");
        }
        long sessionId = MessageCipher.sessionId(message);
        SmbSession session = sessions.get(sessionId);
        if (session == null || session.cipher == null) {
            throw new ConnectionFault("an encrypted message for session " + sessionId + ", which does not encrypt");
        }
        ByteBuf plain = session.cipher.decrypt(message);
        if (plain == null) {
            service.refusedRequests().refused(peer, sessionId, -1, RequestSigning.BAD_ENCRYPTION, System.nanoTime());
            throw new ConnectionFault("an encrypted message that does not decrypt (altered, or another key)");
        }
        ByteBuf response;
        inTransform = true;
        try {
            response = compound(plain);
        } finally {
            inTransform = false;
            plain.release();
        }
        if (response == null) {
            return null;
        }
        try {
            return session.cipher.encrypt(response, sessionId); // MS-SMB2 3.3.4.1.4: encrypted, not signed
        } finally {
            response.release();
        }
    }

    private ByteBuf compound(ByteBuf message) {
        CompositeByteBuf out = ByteBufAllocator.DEFAULT.compositeBuffer();
        Compound state = new Compound();
        int offset = 0;
        ByteBuf previous = null;
        MessageSigner previousSigner = null;
        try {
            while (true) {
                Smb2Header header;
                try {
                    header = Smb2Header.decode(message, offset);
                } catch (SmbStatusException notSmb2) {
                    if (offset == 0) {
                        throw new ConnectionFault("not an SMB2 message");
                    }
                    break; // MS-SMB2 3.3.5.2.7: a broken tail of a compound is not answered
                }
                int next = header.nextCommand();
                if (next != 0 && (next < Smb2Header.SIZE || (next & 7) != 0 || next > message.readableBytes() - offset)) {
                    next = 0; // a NextCommand outside the message ends the compound here
                }
                int length = next == 0 ? message.readableBytes() - offset : next;
                Request request = new Request(header, message.slice(message.readerIndex() + offset, length));
                ByteBuf response = one(request, state, offset == 0);
                if (response != null) {
                    if (previous != null) {
                        ByteBuf done = previous;
                        previous = null;
                        out.addComponent(true, finish(done, previousSigner, true));
                    }
                    previous = response;
                    previousSigner = state.responseSigner;
                }
                if (next == 0) {
                    break;
                }
                offset += next;
            }
            if (previous != null) {
                ByteBuf done = previous;
                previous = null;
                out.addComponent(true, finish(done, previousSigner, false));
            }
        } catch (RuntimeException e) {
            if (previous != null) {
                previous.release();
            }
            out.release();
            throw e;
        }
        if (out.readableBytes() == 0) {
            out.release();
            return null;
        }
        return out;
    }

    /**
     * One response of a compound made final: padded to 8 octets with its NextCommand set when another follows, then
     * signed when its session signs (MS-SMB2 3.3.4.1.1, 3.3.5.2.7: each response signed on its own, padding included).
     */
    private static ByteBuf finish(ByteBuf response, MessageSigner signer, boolean followed) {
        if (followed) {
            response.writeZero((8 - response.readableBytes() % 8) % 8);
            response.setIntLE(response.readerIndex() + 20, response.readableBytes());
        }
        if (signer != null) {
            signer.sign(response);
        }
        return response;
    }

    /** One request of a compound, answered; null for CANCEL. */
    private ByteBuf one(Request request, Compound state, boolean first) {
        Smb2Header h = request.header;
        long started = System.nanoTime();
        int charge = Math.max(1, h.creditCharge());
        creditsHeld = Math.max(0, creditsHeld - charge);
        if (h.command() == Smb2Command.CANCEL) {
            service.metrics().request(h.command(), NtStatus.SUCCESS, System.nanoTime() - started);
            return null; // MS-SMB2 3.3.5.16: no response; every request here completes synchronously, so nothing is pending
        }
        if (h.related() && first) {
            // MS-SMB2 3.3.5.2.7.2: the first request has nothing to relate to; the related ones after it fail the same way
            state.status = NtStatus.INVALID_PARAMETER;
            return respond(h, h.sessionId(), h.treeId(), new Reply(state.status, null), started);
        }
        if (h.related() && !first) {
            // MS-SMB2 3.3.5.2.7.2: related requests use the previous one's session, tree and file
            if (state.status != NtStatus.SUCCESS) {
                return respond(h, state.sessionId, state.treeId, new Reply(state.status, null), started);
            }
        } else {
            state.sessionId = h.sessionId();
            state.treeId = h.treeId();
            state.fileId = NO_FILE;
        }
        SmbSession signing = sessions.get(state.sessionId);
        state.responseSigner = signing == null || inTransform ? null : signing.signer;
        String refusal = inTransform ? null : RequestSigning.refusal(signing, request); // MS-SMB2 3.3.5.2.4: encrypted is not signed
        if (refusal == null && !inTransform && signing != null && signing.encryptData) {
            refusal = RequestSigning.UNENCRYPTED; // MS-SMB2 3.3.5.2.9: Session.EncryptData and the request was not encrypted
        }
        if (refusal != null) { // MS-SMB2 3.3.5.2.4: refused, never executed; the connection and session carry on
            service.refusedRequests().refused(peer, state.sessionId, h.command(), refusal, System.nanoTime());
            state.status = NtStatus.ACCESS_DENIED;
            return respond(h, state.sessionId, state.treeId, new Reply(NtStatus.ACCESS_DENIED, null), started);
        }
        viewStale |= changesView(h.command());
        Reply reply;
        try {
            reply = dispatch(request, state);
        } catch (SmbStatusException e) {
            LOG.debug("{} mid {} {}: {} ({})", peer, h.messageId(), Smb2Command.name(h.command()), NtStatus.hex(e.status()), e.getMessage());
            reply = new Reply(e.status(), null);
        } catch (IOException e) {
            reply = new Reply(ioStatus(e), null);
        } catch (ConnectionFault e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.warn("SMB {} from {}: {} answered INTERNAL_ERROR", Smb2Command.name(h.command()), peer, e.toString());
            reply = new Reply(NtStatus.INTERNAL_ERROR, null);
        }
        if (h.command() == Smb2Command.SESSION_SETUP && reply.status() == NtStatus.SUCCESS && sessions.get(state.sessionId) != null) {
            SmbSession established = sessions.get(state.sessionId);
            // MS-SMB2 3.3.5.5.3: its final response is signed already; 3.3.5.4: Connection.ShouldSign
            RequestSigning.established(established, dialect,
                    settings.protection().signing() == Protection.Signing.REQUIRED || (clientSecurityMode & 0x02) != 0);
            state.responseSigner = established.signer;
            reply = encryptionEstablished(established, reply);
        }
        if (h.command() == Smb2Command.CREATE || !h.related()) {
            // As Windows and Samba do (MS-SMB2 3.3.5.2.7.2 <footnote>): only a failed CREATE fails the related requests
            // after it; after another failure they go on with the file the chain opened (read, write denied, read, close)
            state.status = reply.status() == NtStatus.MORE_PROCESSING_REQUIRED ? NtStatus.SUCCESS : reply.status();
        }
        return respond(h, state.sessionId, state.treeId, reply, started);
    }

    private ByteBuf respond(Smb2Header h, long sessionId, int treeId, Reply reply, long started) {
        int requested = Math.max(1, h.credits());
        // MS-SMB2 3.3.1.2: at least one credit per response so the client can go on, never more than the bound in all
        int grant = Math.max(1, Math.min(requested, settings.maxCredits() - creditsHeld));
        creditsHeld += grant;
        ByteBuf body = reply.body();
        if (body == null || (reply.status() != NtStatus.SUCCESS && reply.status() != NtStatus.MORE_PROCESSING_REQUIRED
                && reply.status() != NtStatus.BUFFER_OVERFLOW && reply.status() != NtStatus.BUFFER_TOO_SMALL)) {
            if (body != null) {
                body.release();
            }
            body = errorBody();
        }
        ByteBuf out = ByteBufAllocator.DEFAULT.buffer(Smb2Header.SIZE + body.readableBytes());
        int flags = Smb2Header.FLAG_SERVER_TO_REDIR | (h.flags() & Smb2Header.FLAG_RELATED);
        new Smb2Header(h.creditCharge(), reply.status(), h.command(), grant, flags, 0, h.messageId(), h.processId(), treeId, sessionId)
                .encode(out);
        out.writeBytes(body);
        body.release();
        service.metrics().request(h.command(), reply.status(), System.nanoTime() - started);
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} mid {} {} -> {} ({} octets)", peer, h.messageId(), Smb2Command.name(h.command()), NtStatus.hex(reply.status()),
                    out.readableBytes());
        }
        return out;
    }

    /** MS-SMB2 2.2.2: the error response, StructureSize 9 with one octet of ErrorData. */
    private static ByteBuf errorBody() {
        ByteBuf b = ByteBufAllocator.DEFAULT.buffer(9);
        b.writeShortLE(9);
        b.writeByte(0);
        b.writeByte(0);
        b.writeIntLE(0);
        b.writeByte(0);
        return b;
    }

    private Reply dispatch(Request r, Compound state) throws IOException {
        int command = r.header.command();
        if (command != Smb2Command.NEGOTIATE && dialect == 0) {
            throw new ConnectionFault("request before NEGOTIATE"); // MS-SMB2 3.3.5.2: the connection is disconnected
        }
        return switch (command) {
            case Smb2Command.NEGOTIATE -> negotiate(r);
            case Smb2Command.SESSION_SETUP -> sessionSetup(r, state);
            case Smb2Command.ECHO -> {
                r.requireStructureSize(4);
                yield new Reply(NtStatus.SUCCESS, fixed4());
            }
            case Smb2Command.LOGOFF -> logoff(r, state);
            case Smb2Command.TREE_CONNECT -> treeConnect(r, state);
            case Smb2Command.TREE_DISCONNECT -> treeDisconnect(r, state);
            case Smb2Command.CREATE -> create(r, state);
            case Smb2Command.CLOSE -> close(r, state);
            case Smb2Command.FLUSH -> flush(r, state);
            case Smb2Command.READ -> read(r, state);
            case Smb2Command.WRITE -> write(r, state);
            case Smb2Command.LOCK -> lock(r, state);
            case Smb2Command.IOCTL -> ioctl(r, state);
            case Smb2Command.QUERY_DIRECTORY -> queryDirectory(r, state);
            case Smb2Command.QUERY_INFO -> queryInfo(r, state);
            case Smb2Command.SET_INFO -> setInfo(r, state);
            case Smb2Command.CHANGE_NOTIFY, Smb2Command.OPLOCK_BREAK -> {
                tree(state); // MS-SMB2 3.3.5.19: checks come first; notification itself is not offered
                throw new SmbStatusException(NtStatus.NOT_SUPPORTED, "change notify");
            }
            default -> throw new SmbStatusException(NtStatus.INVALID_PARAMETER, "unknown command " + command); // MS-SMB2 3.3.5.2.6
        };
    }

    private static ByteBuf fixed4() {
        return ByteBufAllocator.DEFAULT.buffer(4).writeShortLE(4).writeShortLE(0);
    }

    // ---------------------------------------------------------------- NEGOTIATE (MS-SMB2 3.3.5.3, 3.3.5.4)

    /** MS-SMB2 3.3.5.3.1: an SMB1 NEGOTIATE offering "SMB 2.???" gets an SMB2 response with dialect 0x02FF; "SMB 2.002" alone, 0x0202. */
    private ByteBuf smb1Negotiate(ByteBuf message) {
        if (dialect != 0 || message.readableBytes() < 35 || message.getUnsignedByte(message.readerIndex() + 4) != 0x72) {
            throw new ConnectionFault("SMB1 is not served (only its NEGOTIATE, to move to SMB2)");
        }
        String dialects = message.toString(message.readerIndex() + 35, message.readableBytes() - 35, StandardCharsets.ISO_8859_1);
        int chosen;
        if (dialects.contains("SMB 2.???")) {
            chosen = DIALECT_WILDCARD;
        } else if (dialects.contains("SMB 2.002")) {
            chosen = 0x0202;
        } else {
            throw new ConnectionFault("the client offers SMB1 dialects only");
        }
        ByteBuf out = ByteBufAllocator.DEFAULT.buffer();
        new Smb2Header(0, NtStatus.SUCCESS, Smb2Command.NEGOTIATE, 1, Smb2Header.FLAG_SERVER_TO_REDIR, 0, 0, 0, 0, 0).encode(out);
        ByteBuf body = negotiateBody(chosen);
        out.writeBytes(body);
        body.release();
        if (chosen != DIALECT_WILDCARD) {
            dialect = chosen;
        }
        return out;
    }

    private Reply negotiate(Request r) {
        if (dialect != 0) {
            throw new ConnectionFault("second NEGOTIATE"); // MS-SMB2 3.3.5.3.1/3.3.5.4: disconnect
        }
        r.requireStructureSize(36);
        int count = r.u16(2);
        if (count == 0) {
            throw new SmbStatusException(NtStatus.INVALID_PARAMETER, "no dialects");
        }
        clientSecurityMode = r.u16(4);
        clientCapabilities = r.u32(8);
        clientGuid = r.bytes(Smb2Header.SIZE + 12, 16);
        int best = 0;
        for (int i = 0; i < count; i++) {
            int offered = r.u16(36 + 2 * i);
            for (int d : DIALECTS) {
                if (offered == d && d > best) {
                    best = d;
                }
            }
        }
        if (best == 0) {
            throw new SmbStatusException(NtStatus.NOT_SUPPORTED, "no common dialect"); // MS-SMB2 3.3.5.4
        }
        dialect = best;
        LOG.info("SMB connection from {}: dialect {}", peer, dialectName(best));
        return new Reply(NtStatus.SUCCESS, negotiateBody(best));
    }

    static String dialectName(int dialect) {
        return String.format("%d.%d.%d", dialect >> 8, (dialect >> 4) & 0xf, dialect & 0xf);
    }

    private ByteBuf negotiateBody(int chosen) {
        byte[] token = Spnego.negTokenInit();
        ByteBuf b = ByteBufAllocator.DEFAULT.buffer(64 + token.length);
        b.writeShortLE(65);
        b.writeShortLE(securityMode());
        b.writeShortLE(chosen);
        b.writeShortLE(0);
        b.writeBytes(service.serverGuid());
        b.writeIntLE(capabilities(chosen));
        b.writeIntLE(SmbSettings.MAX_IO);
        b.writeIntLE(SmbSettings.MAX_IO);
        b.writeIntLE(SmbSettings.MAX_IO);
        b.writeLongLE(FileAttrs.filetime(java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis())));
        b.writeLongLE(0);
        b.writeShortLE(Smb2Header.SIZE + 64);
        b.writeShortLE(token.length);
        b.writeIntLE(0);
        b.writeBytes(token);
        return b;
    }

    /**
     * MS-SMB2 3.3.5.5.3: with encryption on, a 3.0.x session of an account gets its keys, and ENCRYPT_DATA when its client
     * can encrypt; under {@code required} a session that cannot is refused (guests and anonymous ones included, as Samba does).
     */
    private Reply encryptionEstablished(SmbSession session, Reply reply) {
        Protection.Encryption encryption = settings.protection().encryption();
        if (encryption == Protection.Encryption.OFF) {
            return reply;
        }
        if (session.signer != null && dialect >= 0x0300 && session.cipher == null) {
            session.cipher = MessageCipher.server(session.sessionKey, service.random());
            session.encryptData = (clientCapabilities & CAP_ENCRYPTION) != 0;
        }
        if (session.encryptData) {
            reply.body().setShortLE(2, reply.body().getUnsignedShortLE(2) | 0x0004); // SessionFlags: SMB2_SESSION_FLAG_ENCRYPT_DATA
            return reply;
        }
        if (encryption == Protection.Encryption.REQUIRED) {
            reply.body().release();
            LOG.info("SMB session {} from {}: refused, it cannot encrypt and nbstack.smb.encryption = required", session.id, peer);
            dropSession(session);
            return new Reply(NtStatus.ACCESS_DENIED, null);
        }
        return reply;
    }

    /** MS-SMB2 2.2.4 Capabilities: ENCRYPTION on 3.0.x when encryption is on; nothing else (no DFS, leasing, multi-credit). */
    private int capabilities(int chosen) {
        return chosen >= 0x0300 && chosen != DIALECT_WILDCARD && settings.protection().encryption() != Protection.Encryption.OFF
                ? CAP_ENCRYPTION : 0;
    }

    /** MS-SMB2 2.2.4 SecurityMode: SIGNING_ENABLED, and SIGNING_REQUIRED when configured (accounts' sessions sign anyway). */
    private int securityMode() {
        return settings.protection().signing() == Protection.Signing.REQUIRED ? 0x03 : 0x01;
    }

    // ---------------------------------------------------------------- SESSION_SETUP, LOGOFF (MS-SMB2 3.3.5.5, 3.3.5.6)

    private Reply sessionSetup(Request r, Compound state) {
        r.requireStructureSize(25);
        if (dialect == DIALECT_WILDCARD) {
            throw new ConnectionFault("SESSION_SETUP before the SMB2 NEGOTIATE");
        }
        byte[] blob = r.bytes(r.u16(12), r.u16(14));
        SmbSession session;
        if (state.sessionId == 0) {
            if (sessions.size() >= settings.maxSessions()) {
                throw new SmbStatusException(NtStatus.REQUEST_NOT_ACCEPTED, "too many sessions on this connection");
            }
            session = new SmbSession(nextSessionId++);
            sessions.put(session.id, session);
            state.sessionId = session.id;
        } else {
            session = sessions.get(state.sessionId);
            if (session == null) {
                throw new SmbStatusException(NtStatus.USER_SESSION_DELETED, "no such session");
            }
        }
        byte[] token;
        try {
            token = Spnego.ntlmsspToken(blob);
        } catch (MalformedTokenException e) {
            dropSession(session);
            throw new SmbStatusException(NtStatus.INVALID_PARAMETER, e.getMessage());
        }
        boolean spnego = Spnego.isSpnego(blob);
        switch (Ntlmssp.messageType(token)) {
            case Ntlmssp.NEGOTIATE_MESSAGE -> {
                Ntlmssp.Challenge challenge = Ntlmssp.challenge(Ntlmssp.negotiateFlags(token), settings.serverName());
                session.ntlmNegotiate = token; // MS-NLMP 3.2.5.1.2: kept for the MIC, as is the challenge
                session.ntlmChallenge = challenge;
                return new Reply(NtStatus.MORE_PROCESSING_REQUIRED,
                        sessionSetupBody(0, spnego ? Spnego.negTokenResp(false, challenge.message()) : challenge.message()));
            }
            case Ntlmssp.AUTHENTICATE_MESSAGE -> {
                return authenticate(session, token, spnego);
            }
            default -> {
                dropSession(session);
                throw new SmbStatusException(NtStatus.LOGON_FAILURE, "no NTLMSSP token (only NTLMSSP is offered)");
            }
        }
    }

    /** The second round of a logon: NTLMv2 against the accounts; a failure ends the session (MS-SMB2 3.3.5.5.3). */
    private Reply authenticate(SmbSession session, byte[] token, boolean spnego) {
        Ntlmssp.Challenge challenge = session.ntlmChallenge;
        byte[] negotiate = session.ntlmNegotiate;
        session.ntlmChallenge = null; // one AUTHENTICATE per CHALLENGE: a retry needs a new server challenge
        session.ntlmNegotiate = null;
        Ntlmssp.Authenticate auth;
        try {
            auth = Ntlmssp.authenticate(token);
        } catch (MalformedTokenException e) {
            dropSession(session);
            throw new SmbStatusException(NtStatus.INVALID_PARAMETER, e.getMessage());
        }
        if (!auth.anonymous() && !service.logonAllowed(peer)) {
            dropSession(session);
            throw new SmbStatusException(NtStatus.LOGON_FAILURE, "too many failed logons from this source");
        }
        NtlmLogon.Result result = challenge == null ? null : NtlmLogon.verify(auth, negotiate, challenge, service.accounts());
        if (result == null && !auth.anonymous()) {
            dropSession(session);
            throw new SmbStatusException(NtStatus.LOGON_FAILURE, "AUTHENTICATE without a CHALLENGE on this session");
        }
        boolean anonymous = auth.anonymous();
        boolean guest = false;
        byte[] sessionKey = null;
        String user = auth.user();
        if (result instanceof NtlmLogon.Success success) {
            sessionKey = success.sessionKey();
            user = success.account().name();
        } else if (result instanceof NtlmLogon.Failure failure) {
            if (failure.reason() == NtlmLogon.Reason.UNKNOWN_USER && settings.mapToGuest() == SmbSettings.MapToGuest.BAD_USER) {
                guest = true;
            } else {
                dropSession(session);
                throw logonFailure(failure);
            }
        }
        if (!session.authenticated) {
            service.metrics().sessions.incrementAndGet();
        }
        session.authenticated = true;
        session.anonymous = anonymous;
        session.guest = guest;
        session.user = user;
        session.sessionKey = sessionKey;
        LOG.info("SMB session {} from {}: {} logged on", session.id, peer, session.who());
        int flags = anonymous ? 0x2 : guest ? 0x1 : 0; // MS-SMB2 2.2.6: IS_NULL / IS_GUEST, so the client does not sign
        return new Reply(NtStatus.SUCCESS, sessionSetupBody(flags, spnego ? Spnego.negTokenResp(true, null) : new byte[0]));
    }

    /** MS-SMB2 3.3.5.5.3 / MS-NLMP: the status a failed logon answers. */
    private SmbStatusException logonFailure(NtlmLogon.Failure failure) {
        int status = switch (failure.reason()) {
            case DISABLED -> NtStatus.ACCOUNT_DISABLED;
            case LOCKED -> NtStatus.ACCOUNT_LOCKED_OUT;
            default -> NtStatus.LOGON_FAILURE;
        };
        service.logonFailed(peer, failure.user(), failure.reason().tag);
        return new SmbStatusException(status, "logon failed: " + failure.reason().tag);
    }

    private static ByteBuf sessionSetupBody(int flags, byte[] token) {
        ByteBuf b = ByteBufAllocator.DEFAULT.buffer(8 + token.length);
        b.writeShortLE(9);
        b.writeShortLE(flags);
        b.writeShortLE(token.length == 0 ? 0 : Smb2Header.SIZE + 8);
        b.writeShortLE(token.length);
        b.writeBytes(token);
        if (token.length == 0) {
            b.writeByte(0);
        }
        return b;
    }

    private Reply logoff(Request r, Compound state) {
        r.requireStructureSize(4);
        SmbSession session = session(state);
        LOG.info("SMB session {} from {}: logoff", session.id, peer);
        dropSession(session);
        return new Reply(NtStatus.SUCCESS, fixed4());
    }

    private void dropSession(SmbSession session) {
        for (Tree tree : List.copyOf(session.trees.values())) {
            dropTree(tree);
        }
        if (sessions.remove(session.id) != null && session.authenticated) {
            service.metrics().sessions.decrementAndGet();
        }
    }

    /** The session {@code id} of this connection, or null: for tests and for what builds on a session's key. */
    SmbSession sessionById(long id) {
        return sessions.get(id);
    }

    private SmbSession session(Compound state) {
        SmbSession session = sessions.get(state.sessionId);
        if (session == null || !session.authenticated) {
            throw new SmbStatusException(NtStatus.USER_SESSION_DELETED, "no such session"); // MS-SMB2 3.3.5.2.9
        }
        return session;
    }

    // ---------------------------------------------------------------- TREE_CONNECT, TREE_DISCONNECT (MS-SMB2 3.3.5.7, 3.3.5.8)

    private Reply treeConnect(Request r, Compound state) throws IOException {
        r.requireStructureSize(9);
        SmbSession session = session(state);
        String path = r.utf16(r.u16(4), r.u16(6));
        String name = path.substring(path.lastIndexOf('\\') + 1);
        Share share = null;
        if (!name.equalsIgnoreCase("IPC$")) {
            share = service.share(name);
            if (share == null) {
                throw new SmbStatusException(NtStatus.BAD_NETWORK_NAME, "no share " + name);
            }
            if (!mayConnect(session, share)) {
                LOG.info("SMB session {} from {}: {} may not use share {}", session.id, peer, session.who(), share.name());
                throw new SmbStatusException(NtStatus.ACCESS_DENIED, "share " + name + " is not open to " + session.who());
            }
        }
        if (session.trees.size() >= settings.maxTreesPerSession()) {
            throw new SmbStatusException(NtStatus.INSUFFICIENT_RESOURCES, "too many tree connects");
        }
        SharePaths paths;
        try {
            paths = share == null ? null : new SharePaths(share.root());
        } catch (IOException missing) {
            LOG.warn("share {} cannot be served: its directory {} is missing", share.name(), share.root());
            throw new SmbStatusException(NtStatus.BAD_NETWORK_NAME, "share directory missing");
        }
        boolean readOnly = share == null || (session.anonymous || session.guest ? share.readOnly() : !share.writableBy(session.user));
        Tree tree = new Tree(nextTreeId++, session, share, paths, readOnly);
        session.trees.put(tree.id(), tree);
        state.treeId = tree.id();
        LOG.info("SMB session {} from {}: tree connect to {}", session.id, peer, tree.name());
        ByteBuf b = ByteBufAllocator.DEFAULT.buffer(16);
        b.writeShortLE(16);
        b.writeByte(tree.ipc() ? 0x02 : 0x01); // SHARE_TYPE_PIPE / SHARE_TYPE_DISK
        b.writeByte(0);
        b.writeIntLE(0x30); // SMB2_SHAREFLAG_NO_CACHING: no offline caching
        b.writeIntLE(0);
        b.writeIntLE(tree.ipc() ? Access.ALL_READ : Access.granted(Access.MAXIMUM_ALLOWED, tree.readOnly()));
        return new Reply(NtStatus.SUCCESS, b);
    }

    /** Anonymous and guest sessions reach guest-ok shares only; a user, shares whose valid users include them (or every user). */
    private static boolean mayConnect(SmbSession session, Share share) {
        if (session.anonymous || session.guest) {
            return share.guestOk();
        }
        return share.admits(session.user);
    }

    private Reply treeDisconnect(Request r, Compound state) {
        r.requireStructureSize(4);
        Tree tree = tree(state);
        LOG.info("SMB session {} from {}: tree disconnect from {}", tree.session().id, peer, tree.name());
        dropTree(tree);
        return new Reply(NtStatus.SUCCESS, fixed4());
    }

    private void dropTree(Tree tree) {
        for (FileOpen open : List.copyOf(opens.values())) {
            if (open.tree() == tree) {
                release(open);
            }
        }
        tree.session().trees.remove(tree.id());
    }

    private Tree tree(Compound state) {
        SmbSession session = session(state);
        Tree tree = session.trees.get(state.treeId);
        if (tree == null) {
            throw new SmbStatusException(NtStatus.NETWORK_NAME_DELETED, "no such tree"); // MS-SMB2 3.3.5.2.11
        }
        return tree;
    }

    // ---------------------------------------------------------------- CREATE, CLOSE (MS-SMB2 3.3.5.9, 3.3.5.10)

    private static final int SUPERSEDE = 0;
    private static final int OPEN = 1;
    private static final int CREATE = 2;
    private static final int OPEN_IF = 3;
    private static final int OVERWRITE = 4;
    private static final int OVERWRITE_IF = 5;
    private static final int DIRECTORY_FILE = 0x1;
    private static final int NON_DIRECTORY_FILE = 0x40;
    private static final int DELETE_ON_CLOSE = 0x1000;

    private Reply create(Request r, Compound state) throws IOException {
        r.requireStructureSize(57);
        Tree tree = tree(state);
        int desired = r.u32(24);
        int disposition = r.u32(36);
        int options = r.u32(40);
        String name = r.utf16(r.u16(44), r.u16(46));
        if (tree.ipc()) {
            throw new SmbStatusException(NtStatus.OBJECT_NAME_NOT_FOUND, "no named pipes are served");
        }
        if (disposition > OVERWRITE_IF || (options & (DIRECTORY_FILE | NON_DIRECTORY_FILE)) == (DIRECTORY_FILE | NON_DIRECTORY_FILE)) {
            throw new SmbStatusException(NtStatus.INVALID_PARAMETER, "bad disposition or options"); // MS-SMB2 3.3.5.9
        }
        if (name.startsWith("\\")) {
            throw new SmbStatusException(NtStatus.INVALID_PARAMETER, "name starts with a backslash"); // MS-SMB2 3.3.5.9
        }
        if (Integer.compareUnsigned(r.u32(4), 3) > 0) { // MS-SMB2 3.3.5.9: ImpersonationLevel beyond Delegate
            throw new SmbStatusException(NtStatus.BAD_IMPERSONATION_LEVEL, "impersonation level " + Integer.toUnsignedString(r.u32(4)));
        }
        if (opens.size() >= settings.maxOpens()) {
            throw new SmbStatusException(NtStatus.TOO_MANY_OPENED_FILES, "too many opens");
        }
        boolean readOnly = tree.readOnly();
        int granted = Access.granted(desired, readOnly);
        Path path = tree.paths().resolve(name);
        boolean exists = Files.exists(path);
        // MS-FSA 2.1.5.1: a disposition that cannot apply fails before any access check (Samba's order too)
        if (!exists && (disposition == OPEN || disposition == OVERWRITE)) {
            throw new SmbStatusException(NtStatus.OBJECT_NAME_NOT_FOUND, name);
        }
        if (exists && disposition == CREATE) {
            throw new SmbStatusException(NtStatus.OBJECT_NAME_COLLISION, name);
        }
        boolean changes = !exists || disposition != OPEN && disposition != OPEN_IF || (options & DELETE_ON_CLOSE) != 0;
        if (readOnly && (Access.writes(granted) || changes)) {
            throw new SmbStatusException(NtStatus.ACCESS_DENIED, "read-only share");
        }
        if (exists && !Files.isRegularFile(path) && !Files.isDirectory(path)) {
            // A FIFO, socket or device node: opening a FIFO waits for a writer, holding an I/O slot for good. Windows has
            // no such files; refused as a file this user may not open, and still listed (as Samba lists them).
            throw new SmbStatusException(NtStatus.ACCESS_DENIED, "not a regular file or directory: " + name);
        }
        boolean directory = exists ? Files.isDirectory(path) : (options & DIRECTORY_FILE) != 0;
        if (exists && directory && (options & NON_DIRECTORY_FILE) != 0) {
            throw new SmbStatusException(NtStatus.FILE_IS_A_DIRECTORY, name);
        }
        if (exists && !directory && (options & DIRECTORY_FILE) != 0) {
            throw new SmbStatusException(NtStatus.NOT_A_DIRECTORY, name);
        }
        int action;
        if (!exists) {
            if (directory) {
                Files.createDirectory(path);
            } else {
                Files.createFile(path);
            }
            action = 2; // FILE_CREATED
        } else if (disposition == SUPERSEDE || disposition == OVERWRITE || disposition == OVERWRITE_IF) {
            if (directory) {
                throw new SmbStatusException(NtStatus.INVALID_PARAMETER, "cannot overwrite a directory");
            }
            try (FileChannel truncate = FileChannel.open(path, StandardOpenOption.WRITE)) {
                truncate.truncate(0);
            }
            action = disposition == SUPERSEDE ? 0 : 3; // FILE_SUPERSEDED / FILE_OVERWRITTEN
        } else {
            action = 1; // FILE_OPENED
        }
        if (!exists || action != 1) {
            granted |= Access.READ_ATTRIBUTES;
        }
        FileChannel channel = null;
        if (!directory) {
            Set<OpenOption> how = new HashSet<>();
            how.add(StandardOpenOption.READ);
            if (!readOnly && (granted & (Access.WRITE_DATA | Access.APPEND_DATA)) != 0) {
                how.add(StandardOpenOption.WRITE);
            }
            channel = FileChannel.open(path, how);
        }
        long id = nextFileId++;
        FileOpen open = new FileOpen(id, id ^ service.volatileSalt(), tree, path, tree.paths().smbName(path), directory, granted, channel);
        if ((options & DELETE_ON_CLOSE) != 0) {
            if ((granted & Access.DELETE) == 0) {
                open.closeChannel();
                throw new SmbStatusException(NtStatus.ACCESS_DENIED, "delete-on-close without DELETE access"); // MS-SMB2 3.3.5.9
            }
            open.deleteOnClose = true;
        }
        opens.put(open.volatileId, open);
        service.metrics().opens.incrementAndGet();
        state.fileId = open.volatileId;
        FileAttrs a = FileAttrs.of(path, readOnly);
        ByteBuf b = ByteBufAllocator.DEFAULT.buffer(89);
        b.writeShortLE(89);
        b.writeByte(0); // no oplock
        b.writeByte(0);
        b.writeIntLE(action);
        FileInfo.times(b, a);
        b.writeLongLE(a.allocation());
        b.writeLongLE(a.endOfFile());
        b.writeIntLE(a.attributes());
        b.writeIntLE(0);
        b.writeLongLE(open.persistentId);
        b.writeLongLE(open.volatileId);
        b.writeIntLE(0); // no create contexts in the response
        b.writeIntLE(0);
        b.writeByte(0);
        return new Reply(NtStatus.SUCCESS, b);
    }

    /** The open a request names, or the previous open of a related compound (MS-SMB2 3.3.5.2.7.2). */
    private FileOpen open(Request r, int fileIdOffset, Compound state) {
        Tree tree = tree(state);
        long persistent = r.u64(fileIdOffset);
        long volatileId = r.u64(fileIdOffset + 8);
        if (persistent == NO_FILE && volatileId == NO_FILE) {
            if (!r.header.related()) {
                throw new SmbStatusException(NtStatus.FILE_CLOSED, "file id of all ones outside a related compound"); // MS-SMB2 3.3.5.10
            }
            if (state.fileId == NO_FILE) {
                throw new SmbStatusException(NtStatus.INVALID_PARAMETER, "no previous open in the compound");
            }
            volatileId = state.fileId;
            persistent = opens.containsKey(volatileId) ? opens.get(volatileId).persistentId : 0;
        }
        FileOpen open = opens.get(volatileId);
        if (open == null || open.persistentId != persistent || open.tree() != tree) {
            throw new SmbStatusException(NtStatus.FILE_CLOSED, "no such open"); // MS-SMB2 3.3.5.10
        }
        state.fileId = volatileId;
        return open;
    }

    private Reply close(Request r, Compound state) throws IOException {
        r.requireStructureSize(24);
        FileOpen open = open(r, 8, state);
        boolean postQuery = (r.u16(2) & 0x1) != 0;
        FileAttrs a = postQuery ? FileAttrs.of(open.path, open.tree().readOnly()) : null;
        int status = release(open);
        if (status != NtStatus.SUCCESS) {
            throw new SmbStatusException(status, "delete on close failed");
        }
        ByteBuf b = ByteBufAllocator.DEFAULT.buffer(60);
        b.writeShortLE(60);
        b.writeShortLE(postQuery ? 1 : 0);
        b.writeIntLE(0);
        if (a != null) {
            FileInfo.times(b, a);
            b.writeLongLE(a.allocation());
            b.writeLongLE(a.endOfFile());
            b.writeIntLE(a.attributes());
        } else {
            b.writeZero(52);
        }
        return new Reply(NtStatus.SUCCESS, b);
    }

    /** Ends an open: its locks go, its channel closes, and a delete-on-close file is deleted. */
    private int release(FileOpen open) {
        if (opens.remove(open.volatileId) == null) {
            return NtStatus.SUCCESS;
        }
        service.metrics().opens.decrementAndGet();
        service.locks().releaseAll(open.path, open);
        open.closeChannel();
        if (open.deleteOnClose) {
            try {
                Files.deleteIfExists(open.path);
            } catch (IOException e) {
                return ioStatus(e);
            }
        }
        return NtStatus.SUCCESS;
    }

    // ---------------------------------------------------------------- FLUSH, READ, WRITE, LOCK (MS-SMB2 3.3.5.11-3.3.5.14)

    private Reply flush(Request r, Compound state) throws IOException {
        r.requireStructureSize(24);
        FileOpen open = open(r, 8, state);
        if (open.channel != null && open.canWrite()) {
            open.channel.force(false);
        } else if (!open.directory && !open.canWrite()) {
            throw new SmbStatusException(NtStatus.ACCESS_DENIED, "flush without write access"); // MS-SMB2 3.3.5.11
        }
        return new Reply(NtStatus.SUCCESS, fixed4());
    }

    private Reply read(Request r, Compound state) throws IOException {
        r.requireStructureSize(49);
        FileOpen open = open(r, 16, state);
        long length = r.u32(4) & 0xffffffffL;
        long offset = r.u64(8);
        long minimum = r.u32(32) & 0xffffffffL;
        if (length > SmbSettings.MAX_IO) {
            throw new SmbStatusException(NtStatus.INVALID_PARAMETER, "read beyond MaxReadSize"); // MS-SMB2 3.3.5.12
        }
        if (open.directory) {
            throw new SmbStatusException(NtStatus.INVALID_DEVICE_REQUEST, "read of a directory");
        }
        if (!open.canRead()) {
            throw new SmbStatusException(NtStatus.ACCESS_DENIED, "no read access");
        }
        if (offset < 0 || offset + length < 0) {
            throw new SmbStatusException(NtStatus.INVALID_PARAMETER, "range beyond 2^63"); // MS-FSA 2.1.5.2: offsets are signed
        }
        if (service.locks().conflicts(open.path, open, offset, length, false)) {
            throw new SmbStatusException(NtStatus.FILE_LOCK_CONFLICT, "range locked");
        }
        ByteBuf b = ByteBufAllocator.DEFAULT.buffer(16 + (int) length);
        b.writeShortLE(17);
        b.writeByte(Smb2Header.SIZE + 16);
        b.writeByte(0);
        int lengthAt = b.writerIndex();
        b.writeIntLE(0);
        b.writeIntLE(0);
        b.writeIntLE(0);
        int got = 0;
        try {
            while (got < length) {
                int n = b.writeBytes(open.channel, offset + got, (int) length - got);
                if (n <= 0) {
                    break;
                }
                got += n;
            }
        } catch (IOException | RuntimeException e) {
            b.release();
            throw e;
        }
        if ((got == 0 && length > 0) || got < minimum) {
            b.release();
            throw new SmbStatusException(NtStatus.END_OF_FILE, "read at end of file"); // MS-SMB2 3.3.5.12
        }
        if (got == 0) {
            b.writeByte(0);
        }
        b.setIntLE(lengthAt, got);
        open.position = offset + got;
        service.metrics().read(got);
        return new Reply(NtStatus.SUCCESS, b);
    }

    private Reply write(Request r, Compound state) throws IOException {
        r.requireStructureSize(49);
        FileOpen open = open(r, 16, state);
        int dataOffset = r.u16(2);
        long length = r.u32(4) & 0xffffffffL;
        long offset = r.u64(8);
        if (length > SmbSettings.MAX_IO) {
            throw new SmbStatusException(NtStatus.INVALID_PARAMETER, "write beyond MaxWriteSize"); // MS-SMB2 3.3.5.13
        }
        ByteBuf data = r.slice(dataOffset, length);
        if (open.directory) {
            throw new SmbStatusException(NtStatus.INVALID_DEVICE_REQUEST, "write to a directory");
        }
        if (!open.canWrite() || open.tree().readOnly()) {
            throw new SmbStatusException(NtStatus.ACCESS_DENIED, "no write access");
        }
        if (offset == -1L && open.appendOnly()) {
            offset = open.channel.size(); // MS-FSA 2.1.5.3: 0xFFFFFFFFFFFFFFFF appends on an open that may only append
        }
        WriteRange.check(offset, length);
        if (service.locks().conflicts(open.path, open, offset, length, true)) {
            throw new SmbStatusException(NtStatus.FILE_LOCK_CONFLICT, "range locked");
        }
        long done = 0;
        while (data.isReadable()) {
            int n = data.readBytes(open.channel, offset + done, data.readableBytes());
            if (n <= 0) {
                throw new SmbStatusException(NtStatus.DISK_FULL, "write made no progress");
            }
            done += n;
        }
        open.position = offset + done;
        service.metrics().written(done);
        ByteBuf b = ByteBufAllocator.DEFAULT.buffer(17);
        b.writeShortLE(17);
        b.writeShortLE(0);
        b.writeIntLE((int) done);
        b.writeIntLE(0);
        b.writeShortLE(0);
        b.writeShortLE(0);
        b.writeByte(0);
        return new Reply(NtStatus.SUCCESS, b);
    }

    private Reply lock(Request r, Compound state) {
        r.requireStructureSize(48);
        int count = r.u16(2);
        FileOpen open = open(r, 8, state);
        if (count == 0 || count > settings.maxLocksPerOpen() || r.bodyLength() < 24 + 24 * count) {
            throw new SmbStatusException(NtStatus.INVALID_PARAMETER, "bad lock count"); // MS-SMB2 3.3.5.14
        }
        boolean unlocking = (r.u32(24 + 16) & LockElements.UNLOCK) != 0; // MS-SMB2 3.3.5.14: the first element decides
        List<long[]> done = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int at = 24 + 24 * i;
            long offset = r.u64(at);
            long length = r.u64(at + 8);
            int flags = r.u32(at + 16);
            try {
                LockElements.check(offset, length, flags, unlocking, count);
                if (unlocking) {
                    service.locks().unlock(open.path, open, offset, length);
                } else {
                    service.locks().lock(open.path, open, offset, length, (flags & LockElements.EXCLUSIVE) != 0);
                    done.add(new long[] {offset, length});
                }
            } catch (SmbStatusException refused) {
                for (long[] d : done) { // MS-SMB2 3.3.5.14.2: a failed lock sequence undoes the locks it took
                    service.locks().unlock(open.path, open, d[0], d[1]);
                }
                throw refused;
            }
        }
        return new Reply(NtStatus.SUCCESS, fixed4());
    }

    // ---------------------------------------------------------------- IOCTL (MS-SMB2 3.3.5.15)

    private Reply ioctl(Request r, Compound state) {
        r.requireStructureSize(57);
        int ctlCode = r.u32(4);
        int flags = r.u32(48);
        if (ctlCode != FSCTL_VALIDATE_NEGOTIATE_INFO && ctlCode != FSCTL_DFS_GET_REFERRALS && ctlCode != FSCTL_DFS_GET_REFERRALS_EX
                && ctlCode != FSCTL_QUERY_NETWORK_INTERFACE_INFO) {
            open(r, 8, state); // as Windows: a control that needs an open answers FILE_CLOSED for one that is not there
        }
        if (flags != 0x1) {
            throw new SmbStatusException(NtStatus.NOT_SUPPORTED, "IOCTL other than FSCTL"); // MS-SMB2 3.3.5.15
        }
        session(state);
        if (ctlCode == FSCTL_DFS_GET_REFERRALS || ctlCode == FSCTL_DFS_GET_REFERRALS_EX) {
            throw new SmbStatusException(NtStatus.NOT_FOUND, "no DFS"); // MS-SMB2 3.3.5.15.2: not a DFS server
        }
        if (ctlCode != FSCTL_VALIDATE_NEGOTIATE_INFO) {
            tree(state);
            throw new SmbStatusException(NtStatus.NOT_SUPPORTED, "FSCTL " + Integer.toHexString(ctlCode));
        }
        // MS-SMB2 3.3.5.15.12: the client checks the negotiation was not tampered with. MS-SMB2 2.2.32.6 makes the answer
        // optional below 3.0; Samba's client asks on signed 2.x sessions too and treats a disconnect as fatal, so answer.
        byte[] input = r.bytes(r.u32(24) & 0xffffffffL, r.u32(28) & 0xffffffffL);
        if (input.length < 24) {
            throw new SmbStatusException(NtStatus.INVALID_PARAMETER, "short VALIDATE_NEGOTIATE_INFO");
        }
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(input).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        byte[] guid = java.util.Arrays.copyOfRange(input, 4, 20);
        int count = in.getShort(22) & 0xffff;
        if (input.length < 24 + 2 * count || in.getInt(0) != clientCapabilities || in.getShort(20) != (short) clientSecurityMode
                || !java.util.Arrays.equals(guid, clientGuid)) {
            throw new ConnectionFault("VALIDATE_NEGOTIATE_INFO does not match the negotiation");
        }
        ByteBuf b = ByteBufAllocator.DEFAULT.buffer(48 + 24);
        b.writeShortLE(49);
        b.writeShortLE(0);
        b.writeIntLE(ctlCode);
        b.writeLongLE(r.u64(8));
        b.writeLongLE(r.u64(16));
        b.writeIntLE(Smb2Header.SIZE + 48);
        b.writeIntLE(0);
        b.writeIntLE(Smb2Header.SIZE + 48);
        b.writeIntLE(24);
        b.writeIntLE(0);
        b.writeIntLE(0);
        b.writeIntLE(capabilities(dialect)); // as NEGOTIATE answered
        b.writeBytes(service.serverGuid());
        b.writeShortLE(securityMode()); // MS-SMB2 3.3.5.15.12: as NEGOTIATE answered
        b.writeShortLE(dialect);
        return new Reply(NtStatus.SUCCESS, b);
    }

    // ---------------------------------------------------------------- QUERY_DIRECTORY (MS-SMB2 3.3.5.18)

    private Reply queryDirectory(Request r, Compound state) throws IOException {
        r.requireStructureSize(33);
        int infoClass = r.u8(2);
        int flags = r.u8(3);
        FileOpen open = open(r, 8, state);
        String pattern = r.utf16(r.u16(24), r.u16(26));
        long maxOutput = r.u32(28) & 0xffffffffL;
        if (!open.directory) {
            throw new SmbStatusException(NtStatus.INVALID_PARAMETER, "not a directory"); // MS-SMB2 3.3.5.18
        }
        DirectoryListing.fixedSize(infoClass);
        if (maxOutput > SmbSettings.MAX_IO) {
            maxOutput = SmbSettings.MAX_IO;
        }
        if (maxOutput < DirectoryListing.fixedSize(infoClass)) {
            throw new SmbStatusException(NtStatus.INFO_LENGTH_MISMATCH, "output buffer too small");
        }
        boolean restart = (flags & 0x01) != 0 || (flags & 0x10) != 0;
        boolean firstQuery = open.listing == null || restart;
        if (firstQuery) {
            open.listing = DirectoryListing.snapshot(open.path, pattern.isEmpty() ? "*" : pattern, settings.maxDirectoryEntries());
        }
        ByteBuf b = ByteBufAllocator.DEFAULT.buffer();
        b.writeShortLE(9);
        b.writeShortLE(Smb2Header.SIZE + 8);
        b.writeIntLE(0);
        int written = open.listing.fill(b, infoClass, (int) maxOutput, (flags & 0x02) != 0, open.tree().readOnly());
        if (written == 0) {
            b.release();
            boolean none = firstQuery && open.listing.empty();
            throw new SmbStatusException(none ? NtStatus.NO_SUCH_FILE : NtStatus.NO_MORE_FILES, "no more entries");
        }
        b.setIntLE(4, b.readableBytes() - 8);
        return new Reply(NtStatus.SUCCESS, b);
    }

    // ---------------------------------------------------------------- QUERY_INFO, SET_INFO (MS-SMB2 3.3.5.20, 3.3.5.21)

    private Reply queryInfo(Request r, Compound state) throws IOException {
        r.requireStructureSize(41);
        int infoType = r.u8(2);
        int infoClass = r.u8(3);
        long maxOutput = r.u32(4) & 0xffffffffL;
        FileOpen open = open(r, 24, state);
        ByteBuf data = ByteBufAllocator.DEFAULT.buffer();
        try {
            switch (infoType) {
                case 1 -> FileInfo.file(data, infoClass, FileAttrs.of(open.path, open.tree().readOnly()), open);
                case 2 -> {
                    FileStore store = Files.getFileStore(open.tree().share().root());
                    FileInfo.fileSystem(data, infoClass, store.getTotalSpace(), store.getUsableSpace(), 0,
                            open.tree().share().name().hashCode(), open.tree().share().name());
                }
                case 3 -> { // MS-DTYP 2.4.6: self-relative, DACL present and null: everyone may do what the share allows
                    data.writeByte(1).writeByte(0).writeShortLE(0x8004);
                    data.writeIntLE(0).writeIntLE(0).writeIntLE(0).writeIntLE(0);
                }
                case 4 -> throw new SmbStatusException(NtStatus.NOT_SUPPORTED, "no quotas");
                default -> throw new SmbStatusException(NtStatus.INVALID_PARAMETER, "info type " + infoType);
            }
        } catch (IOException | RuntimeException e) {
            data.release();
            throw e;
        }
        int status = NtStatus.SUCCESS;
        if (data.readableBytes() > maxOutput) {
            if (infoType == 3) { // MS-SMB2 3.3.5.20.3: BUFFER_TOO_SMALL, the ErrorData saying how many octets it takes
                int needed = data.readableBytes();
                data.release();
                return new Reply(NtStatus.BUFFER_TOO_SMALL, ErrorData.requiredSize(needed));
            }
            // MS-SMB2 3.3.5.20.1: variable-length classes return what fits with BUFFER_OVERFLOW; fixed ones fail
            int fixed = FileInfo.fixedPart(infoType, infoClass);
            if (fixed < 0 || maxOutput < fixed || maxOutput == 0) {
                data.release();
                throw new SmbStatusException(NtStatus.INFO_LENGTH_MISMATCH, "output buffer too small");
            }
            data.writerIndex((int) maxOutput);
            status = NtStatus.BUFFER_OVERFLOW;
        }
        ByteBuf b = ByteBufAllocator.DEFAULT.buffer(8 + data.readableBytes() + 1);
        b.writeShortLE(9);
        b.writeShortLE(Smb2Header.SIZE + 8);
        b.writeIntLE(data.readableBytes());
        b.writeBytes(data);
        if (data.writerIndex() == 0) {
            b.writeByte(0);
        }
        data.release();
        return new Reply(status, b);
    }

    private Reply setInfo(Request r, Compound state) throws IOException {
        r.requireStructureSize(33);
        int infoType = r.u8(2);
        int infoClass = r.u8(3);
        long length = r.u32(4) & 0xffffffffL;
        int offset = r.u16(8);
        FileOpen open = open(r, 16, state);
        byte[] data = r.bytes(offset, length);
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(data).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        if (infoType != 1) {
            throw new SmbStatusException(infoType == 2 || infoType == 3 || infoType == 4 ? NtStatus.NOT_SUPPORTED : NtStatus.INVALID_PARAMETER,
                    "set info type " + infoType);
        }
        if (open.tree().readOnly()) {
            throw new SmbStatusException(NtStatus.ACCESS_DENIED, "read-only share");
        }
        switch (infoClass) {
            case FileInfo.BASIC -> {
                need(data, 36);
                if ((open.grantedAccess & Access.WRITE_ATTRIBUTES) == 0) {
                    throw new SmbStatusException(NtStatus.ACCESS_DENIED, "no WRITE_ATTRIBUTES");
                }
                if (open.directory && (in.getInt(32) & FileAttrs.TEMPORARY) != 0) {
                    throw new SmbStatusException(NtStatus.INVALID_PARAMETER, "a directory cannot be temporary"); // MS-FSA 2.1.5.14.2
                }
                long lastWrite = in.getLong(16);
                long lastAccess = in.getLong(8);
                // MS-FSCC 2.4.7: 0 leaves a time alone, -1 and -2 stop/resume automatic updates
                java.nio.file.attribute.BasicFileAttributeView view = Files.getFileAttributeView(open.path,
                        java.nio.file.attribute.BasicFileAttributeView.class);
                view.setTimes(lastWrite > 0 ? FileAttrs.fromFiletime(lastWrite) : null,
                        lastAccess > 0 ? FileAttrs.fromFiletime(lastAccess) : null, null);
            }
            case FileInfo.END_OF_FILE, FileInfo.ALLOCATION -> {
                need(data, 8);
                if (open.directory || !open.canWrite()) {
                    throw new SmbStatusException(open.directory ? NtStatus.INVALID_PARAMETER : NtStatus.ACCESS_DENIED, "cannot resize");
                }
                long size = in.getLong(0);
                if (size < 0) {
                    throw new SmbStatusException(NtStatus.INVALID_PARAMETER, "negative size");
                }
                if (infoClass == FileInfo.END_OF_FILE) {
                    if (size < open.channel.size()) {
                        open.channel.truncate(size);
                    } else if (size > open.channel.size()) {
                        open.channel.write(java.nio.ByteBuffer.allocate(1), size - 1);
                    }
                }
            }
            case FileInfo.DISPOSITION -> {
                need(data, 1);
                if ((open.grantedAccess & Access.DELETE) == 0) {
                    throw new SmbStatusException(NtStatus.ACCESS_DENIED, "no DELETE access");
                }
                boolean delete = data[0] != 0;
                if (delete && open.directory && !open.path.equals(open.tree().share().root())) {
                    try (var entries = Files.newDirectoryStream(open.path)) {
                        if (entries.iterator().hasNext()) {
                            throw new SmbStatusException(NtStatus.DIRECTORY_NOT_EMPTY, open.smbName); // MS-FSCC 2.4.11
                        }
                    }
                }
                if (delete && open.path.equals(open.tree().share().root())) {
                    throw new SmbStatusException(NtStatus.ACCESS_DENIED, "the share root stays");
                }
                open.deleteOnClose = delete;
            }
            case FileInfo.RENAME -> rename(open, in, data);
            default -> throw new SmbStatusException(NtStatus.INVALID_INFO_CLASS, "set file info class " + infoClass);
        }
        return new Reply(NtStatus.SUCCESS, ByteBufAllocator.DEFAULT.buffer(2).writeShortLE(2));
    }

    /** MS-FSCC 2.4.37.2 (the SMB2 form): ReplaceIfExists, RootDirectory (must be 0), then a share-relative name. */
    private void rename(FileOpen open, java.nio.ByteBuffer in, byte[] data) throws IOException {
        need(data, 20);
        if ((open.grantedAccess & Access.DELETE) == 0) {
            throw new SmbStatusException(NtStatus.ACCESS_DENIED, "no DELETE access");
        }
        boolean replace = data[0] != 0;
        long nameLength = in.getInt(16) & 0xffffffffL;
        if (in.getLong(8) != 0 || nameLength > data.length - 20 || (nameLength & 1) != 0) {
            throw new SmbStatusException(NtStatus.INVALID_PARAMETER, "bad rename information");
        }
        String target = new String(data, 20, (int) nameLength, StandardCharsets.UTF_16LE);
        if (target.startsWith("\\")) {
            target = target.substring(1);
        }
        if (open.path.equals(open.tree().share().root())) {
            throw new SmbStatusException(NtStatus.ACCESS_DENIED, "the share root stays");
        }
        Path to = open.tree().paths().resolve(target);
        boolean sameFile = to.toString().equalsIgnoreCase(open.path.toString());
        if (Files.exists(to) && !sameFile) {
            if (!replace) {
                throw new SmbStatusException(NtStatus.OBJECT_NAME_COLLISION, target);
            }
            if (Files.isDirectory(to)) {
                throw new SmbStatusException(NtStatus.ACCESS_DENIED, "cannot replace a directory");
            }
        }
        for (FileOpen other : opens.values()) {
            if (other != open && other.directory && open.directory && other.path.startsWith(open.path) && !other.path.equals(open.path)) {
                throw new SmbStatusException(NtStatus.ACCESS_DENIED, "a file under the directory is open");
            }
        }
        Files.move(open.path, to, replace ? new StandardCopyOption[] {StandardCopyOption.REPLACE_EXISTING} : new StandardCopyOption[0]);
        service.locks().releaseAll(open.path, open);
        open.path = to;
        open.smbName = open.tree().paths().smbName(to);
    }

    private static void need(byte[] data, int length) {
        if (data.length < length) {
            throw new SmbStatusException(NtStatus.INFO_LENGTH_MISMATCH, "information too short");
        }
    }

    static int ioStatus(IOException e) {
        if (e instanceof NoSuchFileException) {
            return NtStatus.OBJECT_NAME_NOT_FOUND;
        }
        if (e instanceof FileAlreadyExistsException) {
            return NtStatus.OBJECT_NAME_COLLISION;
        }
        if (e instanceof DirectoryNotEmptyException) {
            return NtStatus.DIRECTORY_NOT_EMPTY;
        }
        if (e instanceof AccessDeniedException) {
            return NtStatus.ACCESS_DENIED;
        }
        if (e instanceof NotDirectoryException) {
            return NtStatus.OBJECT_PATH_NOT_FOUND;
        }
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (message.contains("no space")) {
            return NtStatus.DISK_FULL;
        }
        return NtStatus.UNEXPECTED_IO_ERROR;
    }

    /** Ends everything this connection holds: opens (and so their locks), trees, sessions. Idempotent. */
    public synchronized void close(String reason) {
        if (closed) {
            return;
        }
        closed = true;
        for (FileOpen open : List.copyOf(opens.values())) {
            release(open);
        }
        for (SmbSession session : List.copyOf(sessions.values())) {
            dropSession(session);
        }
        view = describe();
        LOG.info("SMB connection from {} ended: {}", peer, reason);
    }

    synchronized int openCount() {
        return opens.size();
    }

    /** A request after which MS-SMB2 has the server disconnect rather than answer. */
    static final class ConnectionFault extends RuntimeException {
        ConnectionFault(String why) {
            super(why, null, false, false);
        }
    }
}
