package org.nbstack.smb.protocol;

/** SMB2 command codes (MS-SMB2 2.2.1.2). */
public final class Smb2Command {

    public static final int NEGOTIATE = 0x00;
    public static final int SESSION_SETUP = 0x01;
    public static final int LOGOFF = 0x02;
    public static final int TREE_CONNECT = 0x03;
    public static final int TREE_DISCONNECT = 0x04;
    public static final int CREATE = 0x05;
    public static final int CLOSE = 0x06;
    public static final int FLUSH = 0x07;
    public static final int READ = 0x08;
    public static final int WRITE = 0x09;
    public static final int LOCK = 0x0A;
    public static final int IOCTL = 0x0B;
    public static final int CANCEL = 0x0C;
    public static final int ECHO = 0x0D;
    public static final int QUERY_DIRECTORY = 0x0E;
    public static final int CHANGE_NOTIFY = 0x0F;
    public static final int QUERY_INFO = 0x10;
    public static final int SET_INFO = 0x11;
    public static final int OPLOCK_BREAK = 0x12;

    private static final String[] NAMES = {"negotiate", "session_setup", "logoff", "tree_connect", "tree_disconnect", "create",
        "close", "flush", "read", "write", "lock", "ioctl", "cancel", "echo", "query_directory", "change_notify", "query_info",
        "set_info", "oplock_break"};

    private Smb2Command() {
    }

    /** Lower-case name for logs and metric tags; "unknown" for codes outside the protocol. */
    public static String name(int command) {
        return command >= 0 && command < NAMES.length ? NAMES[command] : "unknown";
    }
}
