package org.nbstack.smb.auth;

/**
 * A security token (SPNEGO or NTLMSSP) that cannot be decoded: a field outside the message, a wrong signature or
 * type, a truncated structure. The only exception the decoders throw for what a client sent; SESSION_SETUP answers it
 * with STATUS_INVALID_PARAMETER.
 */
public final class MalformedTokenException extends RuntimeException {

    public MalformedTokenException(String message) {
        super(message, null, false, false);
    }
}
