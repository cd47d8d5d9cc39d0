package org.nbstack.smb.server;

import org.nbstack.smb.crypto.MessageSigner;
import org.nbstack.smb.protocol.Smb2Command;
import org.nbstack.smb.protocol.Smb2Header;

/**
 * Signing on one connection's sessions (MS-SMB2 3.3.5.2.4, 3.3.5.5.3): a session of an account signs from its final
 * SESSION_SETUP response on; from then each of its requests must carry a valid signature or is refused unexecuted.
 * Guest and anonymous sessions have no key and never sign.
 */
final class RequestSigning {

    /** Why a request is refused, as {@code smb.requests.refused{reason}} counts it. */
    static final String UNSIGNED = "unsigned";
    static final String BAD_SIGNATURE = "bad-signature";
    static final String UNENCRYPTED = "unencrypted";
    static final String BAD_ENCRYPTION = "bad-encryption";

    private RequestSigning() {
    }

    /** Starts signing on {@code session} once its logon succeeded, when it is a session of an account. */
    static void established(SmbSession session, int dialect) {
        if (session.signer == null && session.sessionKey != null && !session.guest && !session.anonymous) {
            session.signer = MessageSigner.forDialect(dialect, session.sessionKey);
        }
    }

    /** Why {@code request} on {@code session} (null when it names none) must not run, or null when it may. */
    static String refusal(SmbSession session, Request request) {
        if (session == null || session.signer == null || request.header.command() == Smb2Command.CANCEL) {
            return null; // MS-SMB2 3.3.5.16: a CANCEL gets no response, a bad one is simply without effect
        }
        if ((request.header.flags() & Smb2Header.FLAG_SIGNED) == 0) {
            return UNSIGNED;
        }
        // MS-SMB2 3.3.5.2.7: in a compound each request is signed on its own, padding up to the next one included
        return session.signer.verifies(request.message()) ? null : BAD_SIGNATURE;
    }
}
