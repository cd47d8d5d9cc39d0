package org.nbstack.smb.server;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.nbstack.smb.protocol.NtStatus;
import org.nbstack.smb.protocol.SmbStatusException;

/**
 * The entries of one QUERY_DIRECTORY enumeration (MS-SMB2 3.3.5.18): a snapshot of the names matching the pattern,
 * taken at the first query (or a restart), and a cursor that later queries resume from.
 */
final class DirectoryListing {

    static final int DIRECTORY = 0x01;
    static final int FULL_DIRECTORY = 0x02;
    static final int BOTH_DIRECTORY = 0x03;
    static final int NAMES = 0x0C;
    static final int ID_BOTH_DIRECTORY = 0x25;
    static final int ID_FULL_DIRECTORY = 0x26;

    private final List<String> names;
    private final Path directory;
    private int cursor;

    private DirectoryListing(Path directory, List<String> names) {
        this.directory = directory;
        this.names = names;
    }

    /**
     * The entries of {@code directory} matching {@code pattern}, "." and ".." first, at most {@code maxEntries}.
     *
     * @throws SmbStatusException INSUFFICIENT_RESOURCES for a directory with more entries than that
     */
    static DirectoryListing snapshot(Path directory, String pattern, int maxEntries) throws IOException {
        List<String> names = new ArrayList<>();
        String lower = pattern.toLowerCase(Locale.ROOT);
        for (String dot : new String[] {".", ".."}) {
            if (matches(lower, dot)) {
                names.add(dot);
            }
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (matches(lower, name.toLowerCase(Locale.ROOT))) {
                    if (names.size() >= maxEntries) {
                        throw new SmbStatusException(NtStatus.INSUFFICIENT_RESOURCES, "directory has more than " + maxEntries + " entries");
                    }
                    names.add(name);
                }
            }
        }
        return new DirectoryListing(directory, names);
    }

    boolean exhausted() {
        return cursor >= names.size();
    }

    boolean empty() {
        return names.isEmpty();
    }

    /** Writes entries of {@code infoClass} from the cursor while they fit in {@code maxBytes}; how many were written. */
    int fill(ByteBuf out, int infoClass, int maxBytes, boolean single, boolean readOnlyShare) {
        int fixed = fixedSize(infoClass);
        int written = 0;
        int lastStart = -1;
        int start = out.writerIndex();
        while (cursor < names.size()) {
            String name = names.get(cursor);
            Path path = name.equals(".") ? directory : name.equals("..") ? directory.getParent() : directory.resolve(name);
            FileAttrs a;
            try {
                a = FileAttrs.of(path == null ? directory : path, readOnlyShare);
            } catch (IOException vanished) {
                cursor++; // removed since the snapshot: skip it
                continue;
            }
            byte[] encodedName = name.getBytes(StandardCharsets.UTF_16LE);
            int pad = lastStart < 0 ? 0 : (8 - (out.writerIndex() - start) % 8) % 8; // MS-FSCC 2.4: entries 8-aligned
            if (out.writerIndex() - start + pad + fixed + encodedName.length > maxBytes) {
                break;
            }
            out.writeZero(pad);
            int entryStart = out.writerIndex();
            if (lastStart >= 0) {
                out.setIntLE(lastStart, entryStart - lastStart); // NextEntryOffset of the previous entry
            }
            entry(out, infoClass, a, encodedName);
            lastStart = entryStart;
            written++;
            cursor++;
            if (single) {
                break;
            }
        }
        return written;
    }

    static int fixedSize(int infoClass) {
        return switch (infoClass) {
            case DIRECTORY -> 64;
            case FULL_DIRECTORY -> 68;
            case ID_FULL_DIRECTORY -> 80;
            case BOTH_DIRECTORY -> 94;
            case ID_BOTH_DIRECTORY -> 104;
            case NAMES -> 12;
            default -> throw new SmbStatusException(NtStatus.INVALID_INFO_CLASS, "directory info class " + infoClass);
        };
    }

    /** One entry (MS-FSCC 2.4.10, 2.4.14, 2.4.8, 2.4.17, 2.4.18, 2.4.28); NextEntryOffset is patched by the caller. */
    private static void entry(ByteBuf out, int infoClass, FileAttrs a, byte[] name) {
        out.writeIntLE(0); // NextEntryOffset
        out.writeIntLE(0); // FileIndex
        if (infoClass == NAMES) {
            out.writeIntLE(name.length);
            out.writeBytes(name);
            return;
        }
        FileInfo.times(out, a);
        out.writeLongLE(a.endOfFile());
        out.writeLongLE(a.allocation());
        out.writeIntLE(a.attributes());
        out.writeIntLE(name.length);
        if (infoClass == DIRECTORY) {
            out.writeBytes(name);
            return;
        }
        out.writeIntLE(0); // EaSize
        if (infoClass == FULL_DIRECTORY) {
            out.writeBytes(name);
            return;
        }
        if (infoClass == ID_FULL_DIRECTORY) {
            out.writeIntLE(0);
            out.writeLongLE(a.fileId());
            out.writeBytes(name);
            return;
        }
        out.writeByte(0); // ShortNameLength: no 8.3 names
        out.writeByte(0);
        out.writeZero(24);
        if (infoClass == ID_BOTH_DIRECTORY) {
            out.writeShortLE(0);
            out.writeLongLE(a.fileId());
        }
        out.writeBytes(name);
    }

    /** MS-FSCC 2.1.4.4 wildcards without regard to case: {@code *} and {@code <} any run, {@code ?} and {@code >} one character, {@code "} a dot. */
    static boolean matches(String pattern, String name) {
        if (pattern.equals("*") || pattern.isEmpty()) {
            return true;
        }
        return match(pattern, 0, name, 0);
    }

    /** Dynamic programming over (pattern, name) prefixes: linear memory, no backtracking blow-up on many stars. */
    private static boolean match(String p, int pi0, String n, int ni0) {
        boolean[] prev = new boolean[n.length() + 1];
        prev[0] = true;
        for (int i = 1; i <= p.length(); i++) {
            char c = p.charAt(i - 1);
            boolean[] cur = new boolean[n.length() + 1];
            boolean star = c == '*' || c == '<';
            cur[0] = star && prev[0];
            for (int j = 1; j <= n.length(); j++) {
                char d = n.charAt(j - 1);
                cur[j] = star ? (prev[j] || cur[j - 1]) : prev[j - 1] && (c == '?' || c == '>' || (c == '"' && d == '.') || c == d);
            }
            prev = cur;
        }
        return prev[n.length()];
    }
}
