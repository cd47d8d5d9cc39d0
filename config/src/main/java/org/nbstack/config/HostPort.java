package org.nbstack.config;

import java.net.InetSocketAddress;

/** A {@code host:port} from the configuration; the host is an IPv4 address or a name, port 0..65535. */
public record HostPort(String host, int port) {

    /** Parses {@code host:port}; null when the text is not of that form. */
    static HostPort parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1 || text.indexOf(':') != colon) {
            return null;
        }
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            return port < 0 || port > 65535 ? null : new HostPort(text.substring(0, colon), port);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
