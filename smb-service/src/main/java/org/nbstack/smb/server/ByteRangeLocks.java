package org.nbstack.smb.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nbstack.smb.protocol.NtStatus;
import org.nbstack.smb.protocol.SmbStatusException;

/**
 * Byte-range locks of every open of the service, by file (MS-SMB2 3.3.5.14). Bounded: an open holds at most
 * {@code maxPerOpen} ranges; one more is refused with INSUFFICIENT_RESOURCES. Conflicting requests fail at once
 * (LOCK_NOT_GRANTED): the server never parks a request waiting for another client's unlock.
 */
final class ByteRangeLocks {

    record Range(Object owner, long offset, long length, boolean exclusive) {
        boolean overlaps(long otherOffset, long otherLength) {
            if (length == 0 || otherLength == 0) {
                return false;
            }
            long end = offset + length - 1; // unsigned: MS-FSCC allows ranges up to 2^64-1
            long otherEnd = otherOffset + otherLength - 1;
            return Long.compareUnsigned(offset, otherEnd) <= 0 && Long.compareUnsigned(otherOffset, end) <= 0;
        }
    }

    private final Map<Path, List<Range>> byFile = new HashMap<>();
    private final int maxPerOpen;

    ByteRangeLocks(int maxPerOpen) {
        this.maxPerOpen = maxPerOpen;
    }

    synchronized void lock(Path file, Object owner, long offset, long length, boolean exclusive) {
        List<Range> ranges = byFile.computeIfAbsent(file, f -> new ArrayList<>());
        int mine = 0;
        for (Range r : ranges) {
            if (r.owner == owner) {
                mine++;
            }
            // MS-FSA 2.1.5.7: an open may stack a shared lock on its own exclusive one; anything else exclusive conflicts
            boolean conflicting = r.exclusive ? (r.owner != owner || exclusive) : exclusive;
            if (r.overlaps(offset, length) && conflicting) {
                throw new SmbStatusException(NtStatus.LOCK_NOT_GRANTED, "range locked");
            }
        }
        if (mine >= maxPerOpen) {
            throw new SmbStatusException(NtStatus.INSUFFICIENT_RESOURCES, "too many locks on one open");
        }
        ranges.add(new Range(owner, offset, length, exclusive));
    }

    synchronized void unlock(Path file, Object owner, long offset, long length) {
        List<Range> ranges = byFile.get(file);
        if (ranges == null || !ranges.removeIf(new java.util.function.Predicate<>() {
            boolean done;

            @Override
            public boolean test(Range r) {
                if (!done && r.owner == owner && r.offset == offset && r.length == length) {
                    done = true;
                    return true;
                }
                return false;
            }
        })) {
            throw new SmbStatusException(NtStatus.RANGE_NOT_LOCKED, "no such lock");
        }
        if (ranges.isEmpty()) {
            byFile.remove(file);
        }
    }

    /** Whether a lock forbids {@code owner} this access (MS-SMB2 3.3.5.12/13: READ/WRITE on locked ranges). */
    synchronized boolean conflicts(Path file, Object owner, long offset, long length, boolean write) {
        List<Range> ranges = byFile.get(file);
        if (ranges == null) {
            return false;
        }
        for (Range r : ranges) {
            // MS-FSA 2.1.4.10: an exclusive lock leaves its own open alone; a shared one stops every open's writes, its own too
            boolean mine = r.owner == owner;
            if (r.overlaps(offset, length) && (write ? !(mine && r.exclusive) : (!mine && r.exclusive))) {
                return true;
            }
        }
        return false;
    }

    synchronized void releaseAll(Path file, Object owner) {
        List<Range> ranges = byFile.get(file);
        if (ranges != null) {
            ranges.removeIf(r -> r.owner == owner);
            if (ranges.isEmpty()) {
                byFile.remove(file);
            }
        }
    }

    /** The ranges {@code owner} holds on {@code file}. */
    synchronized int heldBy(Path file, Object owner) {
        List<Range> ranges = byFile.get(file);
        if (ranges == null) {
            return 0;
        }
        int held = 0;
        for (Range r : ranges) {
            if (r.owner == owner) {
                held++;
            }
        }
        return held;
    }

    synchronized int size() {
        return byFile.values().stream().mapToInt(List::size).sum();
    }
}
