package org.nbstack.tcp.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;

/** Byte helpers for the wire tests: hex, buffers of every kind, and an independent RFC 1071 checksum. */
final class WireTestSupport {
    private WireTestSupport() {
    }

    /** The buffer shapes a packet can arrive in: the codec must read all of them alike. */
    enum BufferKind {
        HEAP, DIRECT, POOLED_DIRECT, POOLED_HEAP,
        /** Three components split at odd and even places, so that 8-byte reads straddle components. */
        COMPOSITE,
        /** Bytes preceded by junk that is already read (readerIndex > 0) and followed by spare capacity. */
        OFFSET;

        /** A new buffer holding {@code bytes} as its readable bytes; the caller releases it. */
        ByteBuf wrap(byte[] bytes) {
            switch (this) {
                case HEAP:
                    return Unpooled.buffer(bytes.length).writeBytes(bytes);
                case DIRECT:
                    return Unpooled.directBuffer(bytes.length).writeBytes(bytes);
                case POOLED_DIRECT:
                    return PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
                case POOLED_HEAP:
                    return PooledByteBufAllocator.DEFAULT.heapBuffer(bytes.length).writeBytes(bytes);
                case COMPOSITE: {
                    int first = Math.min(bytes.length, 3);
                    int second = Math.min(bytes.length - first, 13);
                    CompositeByteBuf composite = Unpooled.compositeBuffer();
                    composite.addComponent(true, Unpooled.directBuffer(first).writeBytes(bytes, 0, first));
                    composite.addComponent(true, Unpooled.buffer(second).writeBytes(bytes, first, second));
                    int rest = bytes.length - first - second;
                    composite.addComponent(true, Unpooled.directBuffer(rest).writeBytes(bytes, first + second, rest));
                    return composite;
                }
                case OFFSET: {
                    ByteBuf buf = Unpooled.directBuffer(bytes.length + 64);
                    buf.writeBytes(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 0x5a});
                    buf.skipBytes(5);
                    return buf.writeBytes(bytes);
                }
                default:
                    throw new AssertionError(this);
            }
        }
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("\\s", ""));
    }

    static String hex(ByteBuf buf) {
        return ByteBufUtil.hexDump(buf);
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    static byte[] bytes(ByteBuf buf) {
        return ByteBufUtil.getBytes(buf);
    }

    /**
     * RFC 1071 one's-complement sum, written the plain way (16-bit words, fold as you go) to check the
     * optimised {@link Checksum} against.
     */
    static int onesComplementSum(byte[]... parts) {
        int sum = 0;
        boolean odd = false;
        for (byte[] part : parts) {
            for (byte b : part) {
                sum += odd ? b & 0xff : (b & 0xff) << 8;
                odd = !odd;
                if (sum > 0xffff) {
                    sum = (sum & 0xffff) + 1;
                }
            }
        }
        return sum;
    }

    static byte[] pseudoHeader(byte[] packet, int tcpLength) {
        byte[] pseudo = new byte[12];
        System.arraycopy(packet, 12, pseudo, 0, 8);
        pseudo[9] = 6;
        pseudo[10] = (byte) (tcpLength >>> 8);
        pseudo[11] = (byte) tcpLength;
        return pseudo;
    }

    /** True when the TCP checksum of an IPv4 packet (given as bytes, no trailing padding) verifies. */
    static boolean tcpChecksumVerifies(byte[] packet) {
        int ihl = (packet[0] & 0xf) * 4;
        byte[] tcp = java.util.Arrays.copyOfRange(packet, ihl, packet.length);
        return onesComplementSum(pseudoHeader(packet, tcp.length), tcp) == 0xffff;
    }

    static boolean ipChecksumVerifies(byte[] packet) {
        int ihl = (packet[0] & 0xf) * 4;
        return onesComplementSum(java.util.Arrays.copyOf(packet, ihl)) == 0xffff;
    }

    /**
     * Rewrites the IPv4 total length to the array's length and recomputes both checksums with the
     * reference implementation, so that structurally odd packets get past the checksum checks.
     */
    static byte[] fixLengthsAndChecksums(byte[] packet) {
        int ihl = (packet[0] & 0xf) * 4;
        putShort(packet, 2, packet.length);
        putShort(packet, 10, 0);
        putShort(packet, 10, ~onesComplementSum(java.util.Arrays.copyOf(packet, ihl)));
        if (packet.length >= ihl + 18) {
            putShort(packet, ihl + 16, 0);
            byte[] tcp = java.util.Arrays.copyOfRange(packet, ihl, packet.length);
            putShort(packet, ihl + 16, ~onesComplementSum(pseudoHeader(packet, tcp.length), tcp));
        }
        return packet;
    }

    static void putShort(byte[] bytes, int at, int value) {
        bytes[at] = (byte) (value >>> 8);
        bytes[at + 1] = (byte) value;
    }

    /** The reasons counted so far, for assertion messages: {@code [BAD_TCP_CHECKSUM=1]}. */
    static java.util.List<String> counted(DropCounters drops) {
        return java.util.Arrays.stream(DropReason.values()).filter(r -> drops.get(r) > 0)
                .map(r -> r + "=" + drops.get(r)).toList();
    }
}
