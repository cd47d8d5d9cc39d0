package org.nbstack.smb.auth;

import java.io.ByteArrayOutputStream;

/** Just enough DER (X.690) to write the SPNEGO tokens the server sends and read the ones clients send. */
final class Der {

    private Der() {
    }

    static byte[] tlv(int tag, byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            content.writeBytes(part);
        }
        byte[] body = content.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = body.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** One TLV inside {@code bytes}: its tag and where its content starts and ends. */
    record Tlv(int tag, int start, int end) {
    }

    /**
     * The TLV at {@code at}, which must end by {@code limit}: one-octet tags only (SPNEGO needs no more), definite lengths
     * of at most three octets (X.690 8.1.3).
     *
     * @throws MalformedTokenException when it does not fit or its length is not DER
     */
    static Tlv read(byte[] bytes, int at, int limit) {
        if (at < 0 || limit > bytes.length || at + 2 > limit) {
            throw new MalformedTokenException("SPNEGO: truncated element");
        }
        int tag = bytes[at] & 0xff;
        if ((tag & 0x1f) == 0x1f) {
            throw new MalformedTokenException("SPNEGO: multi-octet tag");
        }
        int first = bytes[at + 1] & 0xff;
        int start = at + 2;
        int length;
        if (first < 0x80) {
            length = first;
        } else {
            int octets = first & 0x7f;
            if (octets == 0 || octets > 3 || start + octets > limit) {
                throw new MalformedTokenException("SPNEGO: unsupported or truncated length");
            }
            length = 0;
            for (int i = 0; i < octets; i++) {
                length = (length << 8) | (bytes[start + i] & 0xff);
            }
            start += octets;
        }
        if (length > limit - start) {
            throw new MalformedTokenException("SPNEGO: element longer than its container");
        }
        return new Tlv(tag, start, start + length);
    }

    /** The content of the element tagged {@code tag} among those filling {@code container}, or null when none is. */
    static Tlv find(byte[] bytes, Tlv container, int tag) {
        int at = container.start();
        while (at < container.end()) {
            Tlv element = read(bytes, at, container.end());
            if (element.tag() == tag) {
                return element;
            }
            at = element.end();
        }
        return null;
    }

    /** The content of the one element of {@code container}, which must be tagged {@code tag}. */
    static Tlv only(byte[] bytes, Tlv container, int tag) {
        Tlv element = read(bytes, container.start(), container.end());
        if (element.tag() != tag) {
            throw new MalformedTokenException(String.format("SPNEGO: expected tag 0x%02x, got 0x%02x", tag, element.tag()));
        }
        return element;
    }
}
