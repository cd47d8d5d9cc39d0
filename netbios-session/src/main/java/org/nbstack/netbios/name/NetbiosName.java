package org.nbstack.netbios.name;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * A NetBIOS name: up to 15 octets padded with spaces, a suffix octet (the 16th, e.g. 0x20 for the file
 * server service) and an optional scope ({@code "corp.example"}). Names compare exactly; {@link #key()} gives
 * the case-insensitive form that listener lookups use, as Windows upper-cases names.
 */
public final class NetbiosName {

    /** Octets in a NetBIOS name including its suffix (RFC 1001 §14). */
    public static final int RAW_LENGTH = 16;
    /** Octets of a scope label (RFC 1002 §4.1, RFC 883). */
    public static final int MAX_LABEL_LENGTH = 63;
    /** Octets of a whole encoded name, length octets and terminator included (RFC 1002 §4.1). */
    public static final int MAX_ENCODED_LENGTH = 255;
    /** Suffix of the server (file sharing) service. */
    public static final int SERVER_SUFFIX = 0x20;
    /** Suffix of the workstation service. */
    public static final int WORKSTATION_SUFFIX = 0x00;
    /** The name SMB clients call when they know only an address. */
    public static final NetbiosName SMBSERVER = of("*SMBSERVER", SERVER_SUFFIX);

    private final String name;
    private final int suffix;
    private final String scope;

    private NetbiosName(String name, int suffix, String scope) {
        this.name = name;
        this.suffix = suffix;
        this.scope = scope;
    }

    /** {@code name} with the server suffix 0x20 and no scope. */
    public static NetbiosName server(String name) {
        return of(name, SERVER_SUFFIX);
    }

    public static NetbiosName of(String name, int suffix) {
        return of(name, suffix, "");
    }

    /**
     * @param name   up to 15 ISO-8859-1 characters; trailing spaces are padding and dropped
     * @param suffix the 16th octet, 0..255
     * @param scope  dot-separated labels of 1..63 printable ASCII characters, or "" for none
     * @throws IllegalArgumentException saying which rule was broken
     */
    public static NetbiosName of(String name, int suffix, String scope) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(scope, "scope");
        String trimmed = stripTrailingSpaces(name);
        if (trimmed.length() > RAW_LENGTH - 1) {
            throw new IllegalArgumentException("NetBIOS name '" + name + "' is longer than 15 characters");
        }
        for (int i = 0; i < trimmed.length(); i++) {
            if (trimmed.charAt(i) > 0xFF) {
                throw new IllegalArgumentException("NetBIOS name '" + name + "' has a character outside ISO-8859-1");
            }
        }
        if (suffix < 0 || suffix > 0xFF) {
            throw new IllegalArgumentException("NetBIOS name suffix must be 0..255, got " + suffix);
        }
        validateScope(scope);
        return new NetbiosName(trimmed, suffix, scope);
    }

    /** The name in its 16 raw octets, e.g. as decoded from the wire. */
    public static NetbiosName fromRaw(byte[] raw, String scope) {
        if (raw.length != RAW_LENGTH) {
            throw new IllegalArgumentException("a raw NetBIOS name has 16 octets, got " + raw.length);
        }
        return of(new String(raw, 0, RAW_LENGTH - 1, StandardCharsets.ISO_8859_1), raw[RAW_LENGTH - 1] & 0xFF, scope);
    }

    /** The 16 raw octets: the name padded with spaces, then the suffix. */
    public byte[] raw() {
        byte[] raw = new byte[RAW_LENGTH];
        Arrays.fill(raw, (byte) ' ');
        byte[] text = name.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(text, 0, raw, 0, text.length);
        raw[RAW_LENGTH - 1] = (byte) suffix;
        return raw;
    }

    /** The name without padding. */
    public String name() {
        return name;
    }

    public int suffix() {
        return suffix;
    }

    /** The scope, "" when there is none. */
    public String scope() {
        return scope;
    }

    /** This name with another scope. */
    public NetbiosName withScope(String newScope) {
        return of(name, suffix, newScope);
    }

    /** Case-insensitive identity (name upper-cased, suffix, scope lower-cased) for lookups. */
    public String key() {
        return name.toUpperCase(Locale.ROOT) + "<" + hex(suffix) + ">" + (scope.isEmpty() ? "" : "." + scope.toLowerCase(Locale.ROOT));
    }

    /** Whether {@code other} names the same thing ignoring case. */
    public boolean sameAs(NetbiosName other) {
        return key().equals(other.key());
    }

    /** Octets of the encoded form: length octet, 32 characters, each scope label with its length, terminator. */
    public int encodedLength() {
        return encodedLength(scope);
    }

    static int encodedLength(String scope) {
        return 1 + 2 * RAW_LENGTH + (scope.isEmpty() ? 0 : scope.length() + 1) + 1;
    }

    private static void validateScope(String scope) {
        if (scope.isEmpty()) {
            return;
        }
        for (String label : scope.split("\\.", -1)) {
            if (label.isEmpty()) {
                throw new IllegalArgumentException("NetBIOS scope '" + scope + "' has an empty label");
            }
            if (label.length() > MAX_LABEL_LENGTH) {
                throw new IllegalArgumentException("NetBIOS scope label '" + label + "' is longer than 63 octets");
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (c <= ' ' || c >= 0x7F) {
                    throw new IllegalArgumentException("NetBIOS scope '" + scope + "' has a character that is not printable ASCII");
                }
            }
        }
        if (encodedLength(scope) > MAX_ENCODED_LENGTH) {
            throw new IllegalArgumentException("NetBIOS scope '" + scope + "' makes the encoded name longer than 255 octets");
        }
    }

    private static String stripTrailingSpaces(String text) {
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == ' ') {
            end--;
        }
        return text.substring(0, end);
    }

    private static String hex(int value) {
        return String.format(Locale.ROOT, "%02X", value);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NetbiosName that && suffix == that.suffix && name.equals(that.name) && scope.equals(that.scope);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, suffix, scope);
    }

    /** For example {@code SERVER<20>} or {@code SERVER<20>.corp.example}. */
    @Override
    public String toString() {
        return name + "<" + hex(suffix) + ">" + (scope.isEmpty() ? "" : "." + scope);
    }
}
