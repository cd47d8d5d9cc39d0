package org.nbstack.netbios.client;

import org.nbstack.netbios.codec.NegativeCode;
import org.nbstack.netbios.name.NetbiosName;

/** The server refused the session with a NEGATIVE SESSION RESPONSE (RFC 1002 §4.3.4). */
public final class NegativeSessionResponseException extends NetbiosSessionException {

    private final NegativeCode code;

    public NegativeSessionResponseException(NegativeCode code, NetbiosName called, Object server) {
        super("server " + server + " refused the session to " + called + ": " + code + " (" + code.hex() + ")");
        this.code = code;
    }

    public NegativeCode code() {
        return code;
    }
}
