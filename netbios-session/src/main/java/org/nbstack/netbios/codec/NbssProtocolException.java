package org.nbstack.netbios.codec;

import io.netty.handler.codec.DecoderException;
import java.util.Objects;

/**
 * The one error a peer can cause with bad NetBIOS session service input. The {@link Reason} says what was
 * wrong, for metrics and tests; the message says it to a person. It extends Netty's DecoderException so a
 * ByteToMessageDecoder passes it on unwrapped.
 */
public final class NbssProtocolException extends DecoderException {

    /** What was wrong with the input. */
    public enum Reason {
        /** A flags bit other than E (RFC 1002 §4.3.1) was set. */
        RESERVED_FLAGS_SET,
        /** The packet type is not one of RFC 1002 §4.3. */
        UNKNOWN_PACKET_TYPE,
        /** The length field does not fit the packet type. */
        BAD_LENGTH,
        /** A SESSION MESSAGE is longer than the configured maximum. */
        MESSAGE_TOO_LARGE,
        /** A name is not a 32-character first-level encoding (RFC 1001 §14.1). */
        BAD_NAME_ENCODING,
        /** A scope label is longer than 63 octets or has a reserved length prefix. */
        LABEL_TOO_LONG,
        /** An encoded name is longer than 255 octets. */
        NAME_TOO_LONG,
        /** A label compression pointer, which session packets must not use. */
        COMPRESSION_POINTER,
        /** A NEGATIVE SESSION RESPONSE carries an error code RFC 1002 §4.3.4 does not define. */
        UNKNOWN_ERROR_CODE,
        /** A packet arrived that the session's state does not allow (RFC 1002 §5.2). */
        UNEXPECTED_PACKET,
        /** Input ended in the middle of a packet. */
        TRUNCATED
    }

    private final Reason reason;

    public NbssProtocolException(Reason reason, String message) {
        super(Objects.requireNonNull(reason, "reason") + ": " + message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        // Peers cause these at will; a stack trace would only cost time.
        return this;
    }
}
