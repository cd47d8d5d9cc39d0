package org.nbstack.server.app;

/** The server cannot start; the message is one line saying what and how to fix it. */
public final class StartupException extends RuntimeException {

    public StartupException(String message) {
        super(message, null, false, false);
    }
}
