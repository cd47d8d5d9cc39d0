package org.nbstack.config;

/**
 * The configuration cannot be used. The message is one line that names the key, the value, where it came from
 * and what is allowed; the CLI prints it as it is and exits with status 2.
 */
public final class InvalidConfigException extends RuntimeException {

    public InvalidConfigException(String message) {
        super(message, null, false, false); // a user error: the stack trace would only hide the message
    }
}
