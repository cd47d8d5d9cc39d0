package org.nbstack.tcp.wire;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** IPv4 addresses as big-endian ints, the engine's internal form. */
public final class Ipv4 {
    private Ipv4() {
    }

    public static int parse(String dotted) {
        String[] parts = dotted.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: '" + dotted + "'");
        }
        int addr = 0;
        for (String p : parts) {
            int octet;
            try {
                octet = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IPv4 address: '" + dotted + "'");
            }
            if (octet < 0 || octet > 255 || p.isEmpty() || p.length() > 3) {
                throw new IllegalArgumentException("not an IPv4 address: '" + dotted + "'");
            }
            addr = addr << 8 | octet;
        }
        return addr;
    }

    public static int of(InetAddress address) {
        if (!(address instanceof Inet4Address)) {
            throw new IllegalArgumentException("the engine speaks IPv4 only, not " + address);
        }
        byte[] b = address.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | b[3] & 0xff;
    }

    public static InetAddress toInetAddress(int addr) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) (addr >>> 24), (byte) (addr >>> 16), (byte) (addr >>> 8), (byte) addr});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    public static String toString(int addr) {
        return append(new StringBuilder(15), addr).toString();
    }

    static StringBuilder append(StringBuilder sb, int addr) {
        return sb.append(addr >>> 24).append('.').append(addr >>> 16 & 0xff).append('.').append(addr >>> 8 & 0xff)
                .append('.').append(addr & 0xff);
    }
}
