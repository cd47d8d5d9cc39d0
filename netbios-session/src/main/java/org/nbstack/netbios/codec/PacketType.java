package org.nbstack.netbios.codec;

/** The session service packet types (RFC 1002 §4.3.1). */
public enum PacketType {
    SESSION_MESSAGE(0x00),
    SESSION_REQUEST(0x81),
    POSITIVE_SESSION_RESPONSE(0x82),
    NEGATIVE_SESSION_RESPONSE(0x83),
    RETARGET_SESSION_RESPONSE(0x84),
    SESSION_KEEP_ALIVE(0x85);

    private final int code;

    PacketType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type with this code, or null. */
    public static PacketType of(int code) {
        for (PacketType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        return null;
    }
}
