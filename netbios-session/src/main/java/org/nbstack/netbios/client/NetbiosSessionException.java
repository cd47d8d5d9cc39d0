package org.nbstack.netbios.client;

/** A session could not be set up; the message says where and why. */
public class NetbiosSessionException extends RuntimeException {

    public NetbiosSessionException(String message) {
        super(message);
    }

    public NetbiosSessionException(String message, Throwable cause) {
        super(message, cause);
    }
}
