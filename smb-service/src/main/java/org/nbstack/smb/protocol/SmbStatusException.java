package org.nbstack.smb.protocol;

/** A request the server answers with an error status instead of a result; cheap (no stack trace). */
public final class SmbStatusException extends RuntimeException {

    private final int status;

    public SmbStatusException(int status, String why) {
        super(why, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
