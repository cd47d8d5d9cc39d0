package org.nbstack.netbios.server;

/** The server could not do what it was asked (listen on its address, most often); the message says why. */
public final class NetbiosServerException extends RuntimeException {

    public NetbiosServerException(String message, Throwable cause) {
        super(message, cause);
    }
}
