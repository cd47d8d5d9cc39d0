package org.nbstack.tcp.sim;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a traced run writes its lines: always into a bounded ring of the most recent lines (the tail a
 * failing test prints), and optionally into a file holding the whole trace. A world only writes to a
 * trace when one is configured, so an untraced run builds no strings at all.
 */
public final class SimTrace implements AutoCloseable {
    private final String[] ring;
    private final Path file;
    private final BufferedWriter writer;
    private long lines;

    private SimTrace(int tailLines, Path file) {
        if (tailLines < 1) {
            throw new IllegalArgumentException("tailLines must be at least 1, got " + tailLines);
        }
        this.ring = new String[tailLines];
        this.file = file;
        this.writer = file == null ? null : open(file);
    }

    /** Keeps only the last {@code tailLines} lines, in memory. */
    public static SimTrace inMemory(int tailLines) {
        return new SimTrace(tailLines, null);
    }

    /** Writes every line to {@code file} (parent folders created, file replaced) and keeps the last {@code tailLines}. */
    public static SimTrace toFile(int tailLines, Path file) {
        return new SimTrace(tailLines, file);
    }

    /** Adds one line at virtual time {@code nowNanos}: {@code "  12.345678 " + text}. */
    public void line(long nowNanos, String text) {
        String line = appendTime(new StringBuilder(text.length() + 12), nowNanos).append(' ').append(text).toString();
        ring[(int) (lines % ring.length)] = line;
        lines++;
        if (writer != null) {
            try {
                writer.write(line);
                writer.newLine();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the simulation trace to " + file, e);
            }
        }
    }

    /** The most recent lines, oldest first, at most the ring's capacity. */
    public List<String> tail() {
        int n = (int) Math.min(lines, ring.length);
        List<String> tail = new ArrayList<>(n);
        for (long i = lines - n; i < lines; i++) {
            tail.add(ring[(int) (i % ring.length)]);
        }
        return tail;
    }

    /** Lines written since the trace was created. */
    public long lineCount() {
        return lines;
    }

    /** The file that holds the whole trace, or null for an in-memory trace. */
    public Path file() {
        return file;
    }

    public void flush() {
        if (writer != null) {
            try {
                writer.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the simulation trace to " + file, e);
            }
        }
    }

    @Override
    public void close() {
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the simulation trace to " + file, e);
            }
        }
    }

    /** tcpdump's relative time: seconds, right-aligned in 4 columns, and 6 digits of microseconds. */
    static StringBuilder appendTime(StringBuilder sb, long nanos) {
        long seconds = nanos / 1_000_000_000L;
        long micros = nanos % 1_000_000_000L / 1_000L;
        String s = Long.toString(seconds);
        for (int i = s.length(); i < 4; i++) {
            sb.append(' ');
        }
        sb.append(s).append('.');
        String m = Long.toString(micros);
        for (int i = m.length(); i < 6; i++) {
            sb.append('0');
        }
        return sb.append(m);
    }

    private static BufferedWriter open(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return Files.newBufferedWriter(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the simulation trace file " + file, e);
        }
    }
}
