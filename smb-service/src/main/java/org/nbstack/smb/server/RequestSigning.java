package org.nbstack.smb.server;

import org.nbstack.smb.crypto.MessageSigner;
import org.nbstack.smb.protocol.Smb2Command;
import org.nbstack.smb.protocol.Smb2Header;

/**
 * Signing on one connection's sessions (MS-SMB2 3.3.5.2.4, 3.3.5.5.3): a session of an account signs from its final
 * SESSION_SETUP response on; from then a signed request must carry a valid signature, and where signing is required
 * (by the server's configuration or by the client) every request must be signed, or it is refused unexecuted.
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

    /**
     * Starts signing on {@code session} once its logon succeeded, when it is a session of an account; {@code shouldSign}
     * (the server's configuration or the client's NEGOTIATE asked for SIGNING_REQUIRED) makes unsigned requests refused.
     */
    static void established(SmbSession session, int dialect, boolean shouldSign) {
        if (session.signer == null && session.sessionKey != null && !session.guest && !session.anonymous) {
            session.signer = MessageSigner.forDialect(dialect, session.sessionKey);
            session.signingRequired = shouldSign; // MS-SMB2 3.3.5.5.3: Session.SigningRequired from Connection.ShouldSign
        }
    }

    /** Why {@code request} on {@code session} (null when it names none) must not run, or null when it may. */
    static String refusal(SmbSession session, Request request) {
        if (session == null || session.signer == null || request.header.command() == Smb2Command.CANCEL) {
            return null; // MS-SMB2 3.3.5.16: a CANCEL gets no response, a bad one is simply without effect
        }
        if ((request.header.flags() & Smb2Header.FLAG_SIGNED) == 0) {
            // MS-SMB2 3.3.5.2.4: an unsigned request is refused only where signing is required (impacket signs only then)
            return session.signingRequired ? UNSIGNED : null;
        }
        // MS-SMB2 3.3.5.2.7: in a compound each request is signed on its own, padding up to the next one included
        return session.signer.verifies(request.message()) ? null : BAD_SIGNATURE;
    }
}
