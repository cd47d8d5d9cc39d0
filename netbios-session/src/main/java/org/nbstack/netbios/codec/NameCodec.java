package org.nbstack.netbios.codec;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import org.nbstack.netbios.name.NetbiosName;
import org.nbstack.netbios.codec.NbssProtocolException.Reason;

/**
 * Encodes NetBIOS names as RFC 1002 §4.1 label strings: the 16 raw octets in first-level encoding
 * (RFC 1001 §14.1, each half-octet as 'A' + value) as a 32-octet label, then the scope labels, then a zero
 * octet. Session packets never use compression pointers (RFC 1002 §4.3.2), so they are refused.
 */
public final class NameCodec {

    private static final int ENCODED_NAME_LABEL = 2 * NetbiosName.RAW_LENGTH;

    private NameCodec() {
    }

    public static void encode(NetbiosName name, ByteBuf out) {
        out.writeByte(ENCODED_NAME_LABEL);
        for (byte octet : name.raw()) {
            out.writeByte('A' + ((octet >> 4) & 0x0F));
            out.writeByte('A' + (octet & 0x0F));
        }
        if (!name.scope().isEmpty()) {
            for (String label : name.scope().split("\\.")) {
                out.writeByte(label.length());
                out.writeCharSequence(label, StandardCharsets.US_ASCII);
            }
        }
        out.writeByte(0);
    }

    /**
     * Reads one encoded name from {@code in}, which must not be read past {@code limit} (an index).
     *
     * @throws NbssProtocolException if the name is malformed or runs past {@code limit}
     */
    public static NetbiosName decode(ByteBuf in, int limit) {
        int start = in.readerIndex();
        int first = readLength(in, limit);
        if (first != ENCODED_NAME_LABEL) {
            throw new NbssProtocolException(Reason.BAD_NAME_ENCODING,
                    "an encoded NetBIOS name starts with a 32-octet label, got " + first);
        }
        need(in, ENCODED_NAME_LABEL, limit);
        byte[] raw = new byte[NetbiosName.RAW_LENGTH];
        for (int i = 0; i < raw.length; i++) {
            int high = in.readByte() - 'A';
            int low = in.readByte() - 'A';
            if (high < 0 || high > 15 || low < 0 || low > 15) {
                throw new NbssProtocolException(Reason.BAD_NAME_ENCODING,
                        "first-level encoding uses only the letters A..P");
            }
            raw[i] = (byte) (high << 4 | low);
        }
        StringBuilder scope = new StringBuilder();
        for (int length = readLength(in, limit); length != 0; length = readLength(in, limit)) {
            need(in, length, limit);
            if (in.readerIndex() + length + 1 - start > NetbiosName.MAX_ENCODED_LENGTH) {
                throw new NbssProtocolException(Reason.NAME_TOO_LONG, "an encoded NetBIOS name is longer than 255 octets");
            }
            String label = in.readCharSequence(length, StandardCharsets.ISO_8859_1).toString();
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (c <= ' ' || c >= 0x7F || c == '.') {
                    throw new NbssProtocolException(Reason.BAD_NAME_ENCODING, "a scope label has a character that is not printable ASCII");
                }
            }
            if (!scope.isEmpty()) {
                scope.append('.');
            }
            scope.append(label);
        }
        return NetbiosName.fromRaw(raw, scope.toString());
    }

    private static int readLength(ByteBuf in, int limit) {
        need(in, 1, limit);
        int length = in.readUnsignedByte();
        if ((length & 0xC0) == 0xC0) {
            throw new NbssProtocolException(Reason.COMPRESSION_POINTER, "session packets must not use label compression");
        }
        if (length > NetbiosName.MAX_LABEL_LENGTH) {
            throw new NbssProtocolException(Reason.LABEL_TOO_LONG, "a label length octet is " + length + ", at most 63 allowed");
        }
        return length;
    }

    private static void need(ByteBuf in, int octets, int limit) {
        if (limit - in.readerIndex() < octets) {
            throw new NbssProtocolException(Reason.BAD_LENGTH, "an encoded NetBIOS name runs past the end of its packet");
        }
    }
}
