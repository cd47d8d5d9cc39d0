package org.nbstack.smb.server;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import org.nbstack.smb.protocol.NtStatus;
import org.nbstack.smb.protocol.SmbStatusException;

/** Encoders of the MS-FSCC 2.4 file information classes and 2.5 file system information classes the server answers. */
final class FileInfo {

    static final int BASIC = 4;
    static final int STANDARD = 5;
    static final int INTERNAL = 6;
    static final int EA = 7;
    static final int ACCESS = 8;
    static final int NAME = 9;
    static final int RENAME = 10;
    static final int DISPOSITION = 13;
    static final int POSITION = 14;
    static final int MODE = 16;
    static final int ALIGNMENT = 17;
    static final int ALL = 18;
    static final int ALLOCATION = 19;
    static final int END_OF_FILE = 20;
    static final int ALTERNATE_NAME = 21;
    static final int STREAM = 22;
    static final int COMPRESSION = 28;
    static final int NETWORK_OPEN = 34;
    static final int ATTRIBUTE_TAG = 35;
    static final int NORMALIZED_NAME = 48;

    static final int FS_VOLUME = 1;
    static final int FS_SIZE = 3;
    static final int FS_DEVICE = 4;
    static final int FS_ATTRIBUTE = 5;
    static final int FS_CONTROL = 6;
    static final int FS_FULL_SIZE = 7;
    static final int FS_OBJECT_ID = 8;
    static final int FS_SECTOR_SIZE = 11;

    private FileInfo() {
    }

    /**
     * The least output buffer of a variable-length class (info type 1 file, 2 file system), or -1 for a fixed-length
     * one: below it INFO_LENGTH_MISMATCH, from it on what fits and BUFFER_OVERFLOW (MS-SMB2 3.3.5.20.1). As on Windows,
     * it is the fixed part of the structure rounded up to 8 octets (FileAllInformation: 100 -> 104).
     */
    static int fixedPart(int infoType, int infoClass) {
        if (infoType == 1) {
            return switch (infoClass) {
                case ALL -> 104;
                case NAME, ALTERNATE_NAME -> 8;
                case STREAM -> 32;
                default -> -1;
            };
        }
        return switch (infoClass) {
            case FS_VOLUME -> 24;
            case FS_ATTRIBUTE -> 16;
            default -> -1;
        };
    }

    /** File information class {@code infoClass} of an open (MS-FSCC 2.4); INVALID_INFO_CLASS for one the server does not know. */
    static void file(ByteBuf out, int infoClass, FileAttrs a, FileOpen open) {
        switch (infoClass) {
            case BASIC -> basic(out, a);
            case STANDARD -> standard(out, a, open.deleteOnClose);
            case INTERNAL -> out.writeLongLE(a.fileId());
            case EA -> out.writeIntLE(0);
            case ACCESS -> out.writeIntLE(open.grantedAccess);
            case POSITION -> out.writeLongLE(open.position);
            case MODE -> out.writeIntLE(0);
            case ALIGNMENT -> out.writeIntLE(0);
            case NAME -> name(out, "\\" + open.smbName);
            case ALTERNATE_NAME -> name(out, open.path.getFileName() == null ? "" : open.path.getFileName().toString()); // no 8.3 names: the name itself
            case ALL -> { // MS-FSCC 2.4.2: the classes above, in this order
                basic(out, a);
                standard(out, a, open.deleteOnClose);
                out.writeLongLE(a.fileId());
                out.writeIntLE(0);
                out.writeIntLE(open.grantedAccess);
                out.writeLongLE(open.position);
                out.writeIntLE(0);
                out.writeIntLE(0);
                name(out, "\\" + open.smbName);
            }
            case NETWORK_OPEN -> {
                times(out, a);
                out.writeLongLE(a.allocation());
                out.writeLongLE(a.endOfFile());
                out.writeIntLE(a.attributes());
                out.writeIntLE(0);
            }
            case ATTRIBUTE_TAG -> {
                out.writeIntLE(a.attributes());
                out.writeIntLE(0);
            }
            case STREAM -> { // MS-FSCC 2.4.44: a file has its one unnamed data stream, a directory none
                if (!a.directory()) {
                    byte[] name = "::$DATA".getBytes(StandardCharsets.UTF_16LE);
                    out.writeIntLE(0);
                    out.writeIntLE(name.length);
                    out.writeLongLE(a.endOfFile());
                    out.writeLongLE(a.allocation());
                    out.writeBytes(name);
                }
            }
            case COMPRESSION -> { // MS-FSCC 2.4.9: stored as it is, COMPRESSION_FORMAT_NONE
                out.writeLongLE(a.endOfFile());
                out.writeShortLE(0);
                out.writeZero(6);
            }
            case NORMALIZED_NAME -> throw new SmbStatusException(NtStatus.NOT_SUPPORTED, "normalized names need 3.1.1"); // MS-SMB2 3.3.5.20.1
            default -> throw new SmbStatusException(NtStatus.INVALID_INFO_CLASS, "file info class " + infoClass);
        }
    }

    /** File system information class (MS-FSCC 2.5). */
    static void fileSystem(ByteBuf out, int infoClass, long total, long free, long volumeCreated, int serial, String label) {
        long units = total / 4096;
        long freeUnits = free / 4096;
        switch (infoClass) {
            case FS_VOLUME -> {
                byte[] name = label.getBytes(StandardCharsets.UTF_16LE);
                out.writeLongLE(volumeCreated);
                out.writeIntLE(serial);
                out.writeIntLE(name.length);
                out.writeByte(0);
                out.writeByte(0);
                out.writeBytes(name);
            }
            case FS_SIZE -> {
                out.writeLongLE(units);
                out.writeLongLE(freeUnits);
                out.writeIntLE(8);
                out.writeIntLE(512);
            }
            case FS_FULL_SIZE -> {
                out.writeLongLE(units);
                out.writeLongLE(freeUnits);
                out.writeLongLE(freeUnits);
                out.writeIntLE(8);
                out.writeIntLE(512);
            }
            case FS_DEVICE -> {
                out.writeIntLE(0x07); // FILE_DEVICE_DISK
                out.writeIntLE(0);
            }
            case FS_ATTRIBUTE -> {
                byte[] name = "NTFS".getBytes(StandardCharsets.UTF_16LE);
                out.writeIntLE(0x00000003); // FILE_CASE_SENSITIVE_SEARCH | FILE_CASE_PRESERVED_NAMES
                out.writeIntLE(255);
                out.writeIntLE(name.length);
                out.writeBytes(name);
            }
            case FS_CONTROL -> { // MS-FSCC 2.5.2: no quotas: thresholds and limits unset, nothing tracked
                out.writeZero(24);
                out.writeLongLE(-1);
                out.writeLongLE(-1);
                out.writeIntLE(0);
                out.writeIntLE(0);
            }
            case FS_OBJECT_ID -> out.writeZero(64); // MS-FSCC 2.5.6: the volume has no object id
            case FS_SECTOR_SIZE -> {
                for (int i = 0; i < 4; i++) {
                    out.writeIntLE(512);
                }
                out.writeIntLE(0);
                out.writeIntLE(0);
                out.writeIntLE(0);
            }
            default -> throw new SmbStatusException(NtStatus.INVALID_INFO_CLASS, "fs info class " + infoClass);
        }
    }

    static void times(ByteBuf out, FileAttrs a) {
        out.writeLongLE(a.creation());
        out.writeLongLE(a.lastAccess());
        out.writeLongLE(a.lastWrite());
        out.writeLongLE(a.change());
    }

    private static void basic(ByteBuf out, FileAttrs a) {
        times(out, a);
        out.writeIntLE(a.attributes());
        out.writeIntLE(0);
    }

    private static void standard(ByteBuf out, FileAttrs a, boolean deletePending) {
        out.writeLongLE(a.allocation());
        out.writeLongLE(a.endOfFile());
        out.writeIntLE(1);
        out.writeByte(deletePending ? 1 : 0);
        out.writeByte(a.directory() ? 1 : 0);
        out.writeShortLE(0);
    }

    private static void name(ByteBuf out, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_16LE);
        out.writeIntLE(bytes.length);
        out.writeBytes(bytes);
    }
}
