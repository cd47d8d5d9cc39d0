package org.nbstack.spi;

/** A transport was asked for by a name that is unknown or that cannot run here; the message lists the alternatives. */
public final class TransportUnavailableException extends RuntimeException {

    private final String requestedName;

    public TransportUnavailableException(String requestedName, String message) {
        super(message);
        this.requestedName = requestedName;
    }

    public String requestedName() {
        return requestedName;
    }
}
