package org.nbstack.tcp.link;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The parts of an in-JVM link URI ({@code scheme://name?key=value&...}), checked against the keys a
 * scheme knows, with errors that say what was wrong and what is allowed.
 */
final class LinkUri {
    final URI uri;
    final String name;
    final Map<String, String> params;

    private LinkUri(URI uri, String name, Map<String, String> params) {
        this.uri = uri;
        this.name = name;
        this.params = params;
    }

    static LinkUri parse(URI uri, Set<String> allowedKeys) {
        return parse(uri, allowedKeys, "switch", "net1");
    }

    /** {@code what} names the URI's authority for messages ("switch", "device"); {@code example} is one. */
    static LinkUri parse(URI uri, Set<String> allowedKeys, String what, String example) {
        String scheme = uri.getScheme();
        String name = uri.getAuthority();
        if (name == null || name.isBlank() || uri.isOpaque()) {
            throw new IllegalArgumentException("link URI '" + uri + "' names no " + what + "; write " + scheme
                    + "://<" + what + "-name>, e.g. " + scheme + "://" + example);
        }
        if (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/")) {
            throw new IllegalArgumentException("link URI '" + uri + "' has a path '" + uri.getPath()
                    + "'; " + scheme + " links take only a " + what + " name and a query, e.g. " + scheme + "://"
                    + example + "?mtu=1500");
        }
        Map<String, String> params = new LinkedHashMap<>();
        String query = uri.getQuery();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq <= 0 || eq == pair.length() - 1) {
                    throw new IllegalArgumentException("link URI '" + uri + "': '" + pair
                            + "' is not key=value; allowed keys: " + allowedKeys);
                }
                String key = pair.substring(0, eq);
                if (!isAllowed(key, allowedKeys)) {
                    throw new IllegalArgumentException("link URI '" + uri + "': unknown parameter '" + key
                            + "'; allowed keys: " + allowedKeys);
                }
                params.put(key, pair.substring(eq + 1));
            }
        }
        return new LinkUri(uri, name, params);
    }

    /** {@code key} is allowed when listed, or when a listed {@code prefix.*} matches it. */
    private static boolean isAllowed(String key, Set<String> allowedKeys) {
        if (allowedKeys.contains(key)) {
            return true;
        }
        for (String allowed : allowedKeys) {
            if (allowed.endsWith(".*") && key.startsWith(allowed.substring(0, allowed.length() - 1))
                    && key.length() > allowed.length() - 1) {
                return true;
            }
        }
        return false;
    }

    int intParam(String key, int fallback, int min, int max) {
        String v = params.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("link URI '" + uri + "': " + key + "=" + v + " is not an integer in "
                    + min + ".." + max);
        }
    }

    long longParam(String key, long fallback) {
        String v = params.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("link URI '" + uri + "': " + key + "=" + v + " is not an integer");
        }
    }

    /** A probability in [0, 1]; {@code 2%} is accepted as 0.02. */
    double probability(String key) {
        String v = params.get(key);
        if (v == null) {
            return 0;
        }
        try {
            double p = v.endsWith("%") ? Double.parseDouble(v.substring(0, v.length() - 1)) / 100
                    : Double.parseDouble(v);
            if (!(p >= 0 && p <= 1)) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("link URI '" + uri + "': " + key + "=" + v
                    + " is not a probability; write a number in 0..1 (0.02) or a percentage (2%)");
        }
    }

    /** A duration such as {@code 1ms}, {@code 250us}, {@code 2s} or {@code 500ns}, in nanoseconds. */
    long durationNanos(String key) {
        String v = params.get(key);
        if (v == null) {
            return 0;
        }
        String[][] units = {{"ns", "1"}, {"us", "1000"}, {"ms", "1000000"}, {"s", "1000000000"}};
        for (int i = 0; i < units.length; i++) {
            String unit = units[i][0];
            // "ms" and "ns" and "us" end in "s": test the longer suffixes first
            if (unit.equals("s") && (v.endsWith("ms") || v.endsWith("us") || v.endsWith("ns"))) {
                continue;
            }
            if (v.endsWith(unit)) {
                try {
                    double n = Double.parseDouble(v.substring(0, v.length() - unit.length()));
                    if (n >= 0 && n <= 60e9) {
                        return (long) (n * Long.parseLong(units[i][1]));
                    }
                } catch (NumberFormatException e) {
                    break;
                }
            }
        }
        throw new IllegalArgumentException("link URI '" + uri + "': " + key + "=" + v
                + " is not a duration; write e.g. 1ms, 250us, 2s or 500ns");
    }
}
