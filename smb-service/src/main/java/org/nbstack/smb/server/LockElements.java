package org.nbstack.smb.server;

import org.nbstack.smb.protocol.NtStatus;
import org.nbstack.smb.protocol.SmbStatusException;

/** The check of one element of a LOCK request (MS-SMB2 2.2.26.1, 3.3.5.14) before it is taken or released. */
final class LockElements {

    static final int SHARED = 0x1;
    static final int EXCLUSIVE = 0x2;
    static final int UNLOCK = 0x4;
    static final int FAIL_IMMEDIATELY = 0x10;

    private LockElements() {
    }

    /**
     * INVALID_PARAMETER for flags outside the four defined, for a lock that is not exactly one of shared or exclusive,
     * for an unlock with any other flag, and for an element that does not do what the first one does (MS-SMB2 3.3.5.14:
     * a request either unlocks or locks), and for a lock of several elements that could wait (MS-SMB2 3.3.5.14: each
     * must say FAIL_IMMEDIATELY); INVALID_LOCK_RANGE for a lock whose last octet lies beyond 2^64 - 1
     * (MS-SMB2 3.3.5.14.2).
     */
    static void check(long offset, long length, int flags, boolean unlocking, int count) {
        boolean unlock = (flags & UNLOCK) != 0;
        boolean shared = (flags & SHARED) != 0;
        boolean exclusive = (flags & EXCLUSIVE) != 0;
        if ((flags & ~(SHARED | EXCLUSIVE | UNLOCK | FAIL_IMMEDIATELY)) != 0 || unlock != unlocking
                || (unlock ? flags != UNLOCK : shared == exclusive || count > 1 && (flags & FAIL_IMMEDIATELY) == 0)) {
            throw new SmbStatusException(NtStatus.INVALID_PARAMETER, "bad lock flags");
        }
        if (!unlock && length != 0 && Long.compareUnsigned(offset + length - 1, offset) < 0) {
            throw new SmbStatusException(NtStatus.INVALID_LOCK_RANGE, "lock range beyond 2^64");
        }
    }
}
