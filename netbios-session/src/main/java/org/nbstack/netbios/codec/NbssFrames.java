package org.nbstack.netbios.codec;

import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.nbstack.netbios.codec.NbssProtocolException.Reason;
import org.nbstack.netbios.name.NetbiosName;

/**
 * The session packet framing of RFC 1002 §4.3.1: TYPE (1 octet), FLAGS (1 octet: seven reserved bits,
 * then E, which extends the length by one high bit), LENGTH (2 octets). Pure functions over ByteBufs,
 * shared by the Netty codec, the client and the tests.
 */
public final class NbssFrames {

    /** Octets in a packet header. */
    public static final int HEADER_LENGTH = 4;
    /** The largest length 17 bits can say (RFC 1002 §4.3.1). */
    public static final int MAX_LENGTH = 0x1FFFF;
    /** The E bit of FLAGS: the 17th (highest) bit of the length. */
    static final int EXTENSION_FLAG = 0x01;

    private static final int RESERVED_FLAGS = 0xFE;
    private static final int MIN_NAME_LENGTH = 1 + 2 * NetbiosName.RAW_LENGTH + 1;

    private NbssFrames() {
    }

    /**
     * Decodes one packet from {@code in} if it holds a whole one, consuming it; returns null and consumes
     * nothing when more input is needed. A SESSION MESSAGE's payload is a copy that owns its octets, never a view of
     * {@code in}: the event loop goes on writing received bytes into {@code in} (a decoder's cumulation) while the
     * payload is read on another thread, and ByteBuf views share their parent's internal NIO buffer, whose position
     * the two threads then moved under each other's feet (received bytes landed in the wrong place of the
     * cumulation: lost framing, a request answered twice).
     *
     * @param maxMessageSize largest SESSION MESSAGE payload accepted, at most {@link #MAX_LENGTH}
     * @throws NbssProtocolException on any malformed input, as soon as the header shows it
     */
    public static NbssPacket decode(ByteBuf in, int maxMessageSize) {
        if (in.readableBytes() < HEADER_LENGTH) {
            return null;
        }
        int start = in.readerIndex();
        int typeCode = in.getUnsignedByte(start);
        int flags = in.getUnsignedByte(start + 1);
        if ((flags & RESERVED_FLAGS) != 0) {
            throw new NbssProtocolException(Reason.RESERVED_FLAGS_SET,
                    String.format("flags 0x%02x have reserved bits set; only E (0x01) may be", flags));
        }
        int length = (flags & EXTENSION_FLAG) << 16 | in.getUnsignedShort(start + 2);
        PacketType type = PacketType.of(typeCode);
        if (type == null) {
            throw new NbssProtocolException(Reason.UNKNOWN_PACKET_TYPE, String.format("packet type 0x%02x is unknown", typeCode));
        }
        checkLength(type, length, maxMessageSize);
        if (in.readableBytes() < HEADER_LENGTH + length) {
            return null;
        }
        in.skipBytes(HEADER_LENGTH);
        int end = in.readerIndex() + length;
        try {
            return switch (type) {
                case SESSION_MESSAGE -> new SessionMessage(in.readBytes(length));
                case SESSION_REQUEST -> decodeRequest(in, end);
                case POSITIVE_SESSION_RESPONSE -> PositiveResponse.INSTANCE;
                case NEGATIVE_SESSION_RESPONSE -> decodeNegative(in.readUnsignedByte());
                case RETARGET_SESSION_RESPONSE -> decodeRetarget(in);
                case SESSION_KEEP_ALIVE -> KeepAlive.INSTANCE;
            };
        } catch (NbssProtocolException e) {
            in.readerIndex(end); // consume the bad packet so a caller that goes on does not see it again
            throw e;
        }
    }

    private static void checkLength(PacketType type, int length, int maxMessageSize) {
        boolean fits = switch (type) {
            case SESSION_MESSAGE -> true;
            case SESSION_REQUEST -> length >= 2 * MIN_NAME_LENGTH && length <= 2 * NetbiosName.MAX_ENCODED_LENGTH;
            case POSITIVE_SESSION_RESPONSE, SESSION_KEEP_ALIVE -> length == 0;
            case NEGATIVE_SESSION_RESPONSE -> length == 1;
            case RETARGET_SESSION_RESPONSE -> length == 6;
        };
        if (!fits) {
            throw new NbssProtocolException(Reason.BAD_LENGTH, "a " + type + " cannot be " + length + " octets long");
        }
        if (type == PacketType.SESSION_MESSAGE && length > maxMessageSize) {
            throw new NbssProtocolException(Reason.MESSAGE_TOO_LARGE,
                    "a SESSION MESSAGE of " + length + " octets exceeds the limit of " + maxMessageSize);
        }
    }

    private static SessionRequest decodeRequest(ByteBuf in, int end) {
        NetbiosName called = NameCodec.decode(in, end);
        NetbiosName calling = NameCodec.decode(in, end);
        if (in.readerIndex() != end) {
            throw new NbssProtocolException(Reason.BAD_LENGTH,
                    "a SESSION REQUEST has " + (end - in.readerIndex()) + " octets after its two names");
        }
        return new SessionRequest(called, calling);
    }

    private static NegativeResponse decodeNegative(int code) {
        NegativeCode known = NegativeCode.of(code);
        if (known == null) {
            throw new NbssProtocolException(Reason.UNKNOWN_ERROR_CODE, String.format("error code 0x%02x is not defined", code));
        }
        return new NegativeResponse(known);
    }

    private static RetargetResponse decodeRetarget(ByteBuf in) {
        byte[] ip = new byte[4];
        in.readBytes(ip);
        int port = in.readUnsignedShort();
        try {
            return new RetargetResponse((Inet4Address) InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four octets are always an IPv4 address", e);
        }
    }

    /** Writes the 4-octet header; the length's 17th bit goes into the E flag. */
    public static void writeHeader(PacketType type, int length, ByteBuf out) {
        if (length < 0 || length > MAX_LENGTH) {
            throw new NbssProtocolException(Reason.MESSAGE_TOO_LARGE,
                    "a packet of " + length + " octets cannot be framed; at most " + MAX_LENGTH);
        }
        out.writeByte(type.code());
        out.writeByte(length >>> 16);
        out.writeShort(length & 0xFFFF);
    }

    /** Writes a whole packet other than a SESSION MESSAGE (those go out as header plus payload, see the encoder). */
    public static void writeControl(NbssPacket packet, ByteBuf out) {
        switch (packet) {
            case SessionRequest request -> {
                writeHeader(request.type(), request.calledName().encodedLength() + request.callingName().encodedLength(), out);
                NameCodec.encode(request.calledName(), out);
                NameCodec.encode(request.callingName(), out);
            }
            case PositiveResponse positive -> writeHeader(positive.type(), 0, out);
            case KeepAlive keepAlive -> writeHeader(keepAlive.type(), 0, out);
            case NegativeResponse negative -> {
                writeHeader(negative.type(), 1, out);
                out.writeByte(negative.code().code());
            }
            case RetargetResponse retarget -> {
                writeHeader(retarget.type(), 6, out);
                out.writeBytes(retarget.address().getAddress());
                out.writeShort(retarget.port());
            }
            case SessionMessage message -> {
                writeHeader(message.type(), message.content().readableBytes(), out);
                out.writeBytes(message.content(), message.content().readerIndex(), message.content().readableBytes());
            }
        }
    }
}
