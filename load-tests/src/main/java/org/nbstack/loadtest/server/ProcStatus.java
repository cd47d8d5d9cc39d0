package org.nbstack.loadtest.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads a Linux process's CPU time and resident memory from {@code /proc}; zeros where /proc is missing. */
final class ProcStatus {

    /** USER_HZ: the unit of utime/stime in /proc/PID/stat, 100 on every Linux architecture Java runs on. */
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private ProcStatus() {
    }

    /** VmRSS and VmHWM of {@code pid} ("self" for this JVM), in bytes. */
    static long[] residentBytes(String pid) {
        long rss = 0;
        long peak = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kibibytes(line) * 1024;
                } else if (line.startsWith("VmHWM:")) {
                    peak = kibibytes(line) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
        return new long[] {rss, peak};
    }

    /** utime + stime of {@code pid}, in nanoseconds. */
    static long cpuNanos(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
            List<String> fields = List.of(stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +"));
            long ticks = Long.parseLong(fields.get(11)) + Long.parseLong(fields.get(12)); // fields 14 and 15 of proc(5)
            return ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long kibibytes(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
}
