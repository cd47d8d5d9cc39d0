package org.nbstack.netbios.codec;

/** The error codes of a NEGATIVE SESSION RESPONSE (RFC 1002 §4.3.4). */
public enum NegativeCode {
    NOT_LISTENING_ON_CALLED_NAME(0x80),
    NOT_LISTENING_FOR_CALLING_NAME(0x81),
    CALLED_NAME_NOT_PRESENT(0x82),
    INSUFFICIENT_RESOURCES(0x83),
    UNSPECIFIED_ERROR(0x8F);

    private final int code;

    NegativeCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The code with this value, or null. */
    public static NegativeCode of(int code) {
        for (NegativeCode value : values()) {
            if (value.code == code) {
                return value;
            }
        }
        return null;
    }

    /** Lower-case hex such as {@code 0x82}, for tags and messages. */
    public String hex() {
        return String.format(java.util.Locale.ROOT, "0x%02x", code);
    }
}
