package org.nbstack.tcp.wire;

import io.netty.buffer.ByteBuf;

/**
 * TCP option encoding and decoding (RFC 9293 §3.2, RFC 7323, RFC 2018). Options are written in the
 * order and NOP packing Linux uses, so every option block is a multiple of 4 bytes without padding:
 * SYN {@code mss, sackOK, TS, nop, wscale}; data {@code nop, nop, TS}; ACK with SACK
 * {@code nop, nop, TS, nop, nop, sack}.
 */
public final class OptionsCodec {
    public static final int KIND_EOL = 0;
    public static final int KIND_NOP = 1;
    public static final int KIND_MSS = 2;
    public static final int KIND_WINDOW_SCALE = 3;
    public static final int KIND_SACK_PERMITTED = 4;
    public static final int KIND_SACK = 5;
    public static final int KIND_TIMESTAMPS = 8;

    /** Option space in a TCP header: data offset 15 words minus the 5-word fixed header. */
    public static final int MAX_OPTIONS_LENGTH = 40;
    /** RFC 7323 §2.3: a shift above 14 is treated as 14. */
    public static final int MAX_WINDOW_SCALE = 14;

    private static final int LEN_MSS = 4;
    private static final int LEN_WINDOW_SCALE = 3;
    private static final int LEN_SACK_PERMITTED = 2;
    private static final int LEN_TIMESTAMPS = 10;
    private static final int LEN_SACK_BASE = 2;
    private static final int LEN_SACK_BLOCK = 8;

    /** Aligned sizes of the blocks {@link #write} emits. */
    private static final int ALIGNED_MSS = 4;
    private static final int ALIGNED_TIMESTAMPS = 12;
    private static final int ALIGNED_SACK_PERMITTED = 4;
    private static final int ALIGNED_WINDOW_SCALE = 4;
    private static final int ALIGNED_SACK_BASE = 4;

    /** The 4-byte words Linux writes; ints so that each is one buffer write. */
    private static final int NOP_NOP_TS = KIND_NOP << 24 | KIND_NOP << 16 | KIND_TIMESTAMPS << 8 | LEN_TIMESTAMPS;
    private static final int SACKOK_TS = KIND_SACK_PERMITTED << 24 | LEN_SACK_PERMITTED << 16 | KIND_TIMESTAMPS << 8
            | LEN_TIMESTAMPS;
    private static final int NOP_NOP_SACKOK = KIND_NOP << 24 | KIND_NOP << 16 | KIND_SACK_PERMITTED << 8
            | LEN_SACK_PERMITTED;
    private static final int NOP_WSCALE = KIND_NOP << 24 | KIND_WINDOW_SCALE << 16 | LEN_WINDOW_SCALE << 8;
    private static final int NOP_NOP_SACK = KIND_NOP << 24 | KIND_NOP << 16 | KIND_SACK << 8;
    private static final int MSS_HEAD = KIND_MSS << 24 | LEN_MSS << 16;

    private OptionsCodec() {
    }

    /**
     * Bytes {@link #write} emits for {@code options}: always a multiple of 4. May exceed
     * {@link #MAX_OPTIONS_LENGTH}; {@link #validate} rejects such options.
     */
    public static int encodedLength(TcpOptions options) {
        if (options == TcpOptions.NONE) {
            return 0;
        }
        int length = 0;
        if (options.mss >= 0) {
            length += ALIGNED_MSS;
        }
        if (options.hasTimestamps) {
            length += ALIGNED_TIMESTAMPS; // SACK-permitted rides in the timestamps' NOP slots
        } else if (options.sackPermitted) {
            length += ALIGNED_SACK_PERMITTED;
        }
        if (options.windowScale >= 0) {
            length += ALIGNED_WINDOW_SCALE;
        }
        int blocks = options.sackBlockCount();
        if (blocks > 0) {
            length += ALIGNED_SACK_BASE + blocks * LEN_SACK_BLOCK;
        }
        return length;
    }

    /**
     * How many SACK blocks fit in the header next to the other options in {@code options} (its own SACK
     * blocks not counted), at most {@link TcpOptions#MAX_SACK_BLOCKS}. With timestamps this is 3, as in
     * Linux.
     */
    public static int sackBlocksThatFit(TcpOptions options) {
        int others = encodedLength(options);
        int blocks = options.sackBlockCount();
        if (blocks > 0) {
            others -= ALIGNED_SACK_BASE + blocks * LEN_SACK_BLOCK;
        }
        int room = (MAX_OPTIONS_LENGTH - others - ALIGNED_SACK_BASE) / LEN_SACK_BLOCK;
        return Math.max(0, Math.min(TcpOptions.MAX_SACK_BLOCKS, room));
    }

    /**
     * Checks that {@code options} can be encoded: MSS 0..65535, window scale 0..14, and everything
     * within {@link #MAX_OPTIONS_LENGTH} bytes. Returns the encoded length.
     *
     * @throws IllegalArgumentException naming what is out of range
     */
    public static int validate(TcpOptions options) {
        if (options.mss > 0xffff) {
            throw new IllegalArgumentException("MSS " + options.mss + " does not fit the 16-bit option");
        }
        if (options.windowScale > MAX_WINDOW_SCALE) {
            // RFC 7323 §2.3: a sender must not send a shift above 14.
            throw new IllegalArgumentException("window scale " + options.windowScale + " is above 14");
        }
        int length = encodedLength(options);
        if (length > MAX_OPTIONS_LENGTH) {
            throw new IllegalArgumentException("TCP options " + options + " need " + length
                    + " bytes, more than the 40 a header holds; send at most " + sackBlocksThatFit(options)
                    + " SACK blocks with them");
        }
        return length;
    }

    /** Writes {@code options} (already {@link #validate validated}) at the writer index of {@code out}. */
    static void write(TcpOptions options, ByteBuf out) {
        if (options == TcpOptions.NONE) {
            return;
        }
        if (options.mss >= 0) {
            out.writeInt(MSS_HEAD | options.mss);
        }
        if (options.hasTimestamps) {
            out.writeInt(options.sackPermitted ? SACKOK_TS : NOP_NOP_TS);
            out.writeInt(options.tsVal);
            out.writeInt(options.tsEcr);
        } else if (options.sackPermitted) {
            out.writeInt(NOP_NOP_SACKOK);
        }
        if (options.windowScale >= 0) {
            out.writeInt(NOP_WSCALE | options.windowScale);
        }
        int blocks = options.sackBlockCount();
        if (blocks > 0) {
            out.writeInt(NOP_NOP_SACK | LEN_SACK_BASE + blocks * LEN_SACK_BLOCK);
            for (int i = 0; i < blocks; i++) {
                out.writeInt(options.sackLeft(i));
                out.writeInt(options.sackRight(i));
            }
        }
    }

    /**
     * Parses the option bytes {@code [start, end)} of {@code buf}. Returns {@link TcpOptions#NONE} when
     * nothing known is present, or null after counting the reason in {@code drops} when the options are
     * malformed. Unknown options are skipped by their length; EOL ends the list.
     */
    static TcpOptions read(ByteBuf buf, int start, int end, DropCounters drops) {
        int length = end - start;
        if (length == 0) {
            return TcpOptions.NONE;
        }
        if (length == ALIGNED_TIMESTAMPS && buf.getInt(start) == NOP_NOP_TS) {
            // The option block of nearly every data segment and ACK between Linux-like peers.
            return TcpOptions.timestamps(buf.getInt(start + 4), buf.getInt(start + 8));
        }
        return readGeneral(buf, start, end, drops);
    }

    private static TcpOptions readGeneral(ByteBuf buf, int start, int end, DropCounters drops) {
        int mss = -1;
        int windowScale = -1;
        boolean sackPermitted = false;
        boolean hasTimestamps = false;
        int tsVal = 0;
        int tsEcr = 0;
        int sackAt = -1; // index of the last SACK option's first edge; later options of a kind win
        int sackBlocks = 0;
        int i = start;
        while (i < end) {
            int kind = buf.getUnsignedByte(i);
            if (kind == KIND_EOL) {
                break;
            }
            if (kind == KIND_NOP) {
                i++;
                continue;
            }
            // RFC 9293 §3.2: every other option carries a length octet counting kind and length.
            if (end - i < 2) {
                return overrun(drops);
            }
            int optionLength = buf.getUnsignedByte(i + 1);
            if (optionLength < 2 || optionLength > end - i) {
                return overrun(drops);
            }
            switch (kind) {
                case KIND_MSS -> {
                    if (optionLength != LEN_MSS) {
                        return badLength(drops);
                    }
                    mss = buf.getUnsignedShort(i + 2);
                }
                case KIND_WINDOW_SCALE -> {
                    if (optionLength != LEN_WINDOW_SCALE) {
                        return badLength(drops);
                    }
                    windowScale = Math.min(buf.getUnsignedByte(i + 2), MAX_WINDOW_SCALE);
                }
                case KIND_SACK_PERMITTED -> {
                    if (optionLength != LEN_SACK_PERMITTED) {
                        return badLength(drops);
                    }
                    sackPermitted = true;
                }
                case KIND_TIMESTAMPS -> {
                    if (optionLength != LEN_TIMESTAMPS) {
                        return badLength(drops);
                    }
                    hasTimestamps = true;
                    tsVal = buf.getInt(i + 2);
                    tsEcr = buf.getInt(i + 6);
                }
                case KIND_SACK -> {
                    int edgeBytes = optionLength - LEN_SACK_BASE;
                    int blocks = edgeBytes / LEN_SACK_BLOCK;
                    if (edgeBytes % LEN_SACK_BLOCK != 0 || blocks < 1 || blocks > TcpOptions.MAX_SACK_BLOCKS) {
                        return badLength(drops);
                    }
                    sackAt = i + 2;
                    sackBlocks = blocks;
                }
                default -> {
                    // Unknown option: skipped by its length.
                }
            }
            i += optionLength;
        }
        if (mss < 0 && windowScale < 0 && !sackPermitted && !hasTimestamps && sackBlocks == 0) {
            return TcpOptions.NONE;
        }
        int[] sackEdges = TcpOptions.NO_SACK;
        if (sackBlocks > 0) {
            sackEdges = new int[2 * sackBlocks];
            for (int e = 0; e < sackEdges.length; e++) {
                sackEdges[e] = buf.getInt(sackAt + 4 * e);
            }
        }
        return TcpOptions.adopting(mss, windowScale, sackPermitted, hasTimestamps, tsVal, tsEcr, sackEdges);
    }

    private static TcpOptions overrun(DropCounters drops) {
        drops.increment(DropReason.OPTION_OVERRUN);
        return null;
    }

    private static TcpOptions badLength(DropCounters drops) {
        drops.increment(DropReason.BAD_OPTION_LENGTH);
        return null;
    }
}
