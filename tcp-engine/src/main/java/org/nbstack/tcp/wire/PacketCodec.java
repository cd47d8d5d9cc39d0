package org.nbstack.tcp.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * IPv4 + TCP encoding and decoding (RFC 791, RFC 9293 §3.1) with header and pseudo-header checksums.
 * Nothing from the wire throws out of {@link #decode}: malformed input is dropped and counted.
 */
public final class PacketCodec {
    public static final int IPV4_HEADER_LENGTH = 20;
    public static final int TCP_HEADER_LENGTH = 20;
    public static final int IP_PROTOCOL_TCP = 6;

    private PacketCodec() {
    }

    /**
     * Decodes one IPv4 packet (readable bytes of {@code packet}). Returns the segment, whose payload is a
     * retained slice of {@code packet}, or null when the packet is dropped (the reason counted in
     * {@code drops}). Never releases {@code packet}; never throws for any input.
     */
    public static TcpSegment decode(ByteBuf packet, DropCounters drops) {
        throw new UnsupportedOperationException("codec arrives with tcp.wire");
    }

    /** Writes {@code segment} as a complete IPv4 packet into {@code out}. Does not release the payload. */
    public static void encode(TcpSegment segment, ByteBuf out) {
        throw new UnsupportedOperationException("codec arrives with tcp.wire");
    }

    /** Encodes into a new buffer from {@code alloc}. Does not release the payload. */
    public static ByteBuf encode(TcpSegment segment, ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(encodedLength(segment));
        encode(segment, out);
        return out;
    }

    /** Bytes {@link #encode} will write for this segment. */
    public static int encodedLength(TcpSegment segment) {
        throw new UnsupportedOperationException("codec arrives with tcp.wire");
    }
}
