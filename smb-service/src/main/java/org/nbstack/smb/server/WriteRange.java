package org.nbstack.smb.server;

import org.nbstack.smb.protocol.NtStatus;
import org.nbstack.smb.protocol.SmbStatusException;

/** Which WRITE ranges the server takes: offsets are signed (MS-FSA 2.1.5.3) and files end below NTFS's largest size. */
final class WriteRange {

    /** The largest file size served, NTFS's 16 TiB - 64 KiB (MS-FSA 2.1.5.3 leaves the bound to the file system). */
    static final long MAX_FILE_SIZE = 0xFFFFFFF0000L;

    private WriteRange() {
    }

    /** INVALID_PARAMETER for a range past 2^63 or starting at or past the largest size; DISK_FULL for one reaching it. */
    static void check(long offset, long length) {
        if (offset < 0 || offset + length < 0) {
            throw new SmbStatusException(NtStatus.INVALID_PARAMETER, "write beyond 2^63");
        }
        if (length > 0 && offset >= MAX_FILE_SIZE) {
            throw new SmbStatusException(NtStatus.INVALID_PARAMETER, "write past the largest file size");
        }
        if (length > 0 && offset + length >= MAX_FILE_SIZE) {
            throw new SmbStatusException(NtStatus.DISK_FULL, "write up to the largest file size");
        }
    }
}
