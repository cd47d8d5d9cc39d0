package org.nbstack.smb.server;

/** Access mask bits (MS-SMB2 2.2.13.1) and how the server grants them. */
final class Access {

    static final int READ_DATA = 0x1;
    static final int WRITE_DATA = 0x2;
    static final int APPEND_DATA = 0x4;
    static final int READ_EA = 0x8;
    static final int WRITE_EA = 0x10;
    static final int EXECUTE = 0x20;
    static final int DELETE_CHILD = 0x40;
    static final int READ_ATTRIBUTES = 0x80;
    static final int WRITE_ATTRIBUTES = 0x100;
    static final int DELETE = 0x10000;
    static final int READ_CONTROL = 0x20000;
    static final int WRITE_DAC = 0x40000;
    static final int WRITE_OWNER = 0x80000;
    static final int SYNCHRONIZE = 0x100000;
    static final int MAXIMUM_ALLOWED = 0x2000000;
    static final int GENERIC_ALL = 0x10000000;
    static final int GENERIC_EXECUTE = 0x20000000;
    static final int GENERIC_WRITE = 0x40000000;
    static final int GENERIC_READ = 0x80000000;

    static final int ALL_READ = READ_DATA | READ_EA | EXECUTE | READ_ATTRIBUTES | READ_CONTROL | SYNCHRONIZE;
    static final int ALL_WRITE = WRITE_DATA | APPEND_DATA | WRITE_EA | DELETE_CHILD | WRITE_ATTRIBUTES | DELETE | WRITE_DAC | WRITE_OWNER;

    private Access() {
    }

    /** The specific rights a request's mask asks for, generic rights mapped (MS-SMB2 3.3.5.9; MAXIMUM_ALLOWED = all the share allows). */
    static int granted(int desired, boolean readOnlyShare) {
        int specific = desired & 0x01FFFFFF & ~MAXIMUM_ALLOWED;
        if ((desired & (GENERIC_READ | GENERIC_EXECUTE)) != 0) {
            specific |= ALL_READ;
        }
        if ((desired & GENERIC_WRITE) != 0) {
            specific |= WRITE_DATA | APPEND_DATA | WRITE_EA | WRITE_ATTRIBUTES | READ_CONTROL | SYNCHRONIZE;
        }
        if ((desired & (GENERIC_ALL | MAXIMUM_ALLOWED)) != 0) {
            specific |= ALL_READ | (readOnlyShare ? 0 : ALL_WRITE);
        }
        return specific;
    }

    static boolean writes(int granted) {
        return (granted & ALL_WRITE) != 0;
    }
}
