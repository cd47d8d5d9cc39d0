package org.nbstack.server.handlers;

import java.util.Map;
import java.util.Set;

/** Checks of a handler's options, with messages that name the handler, the option and what is allowed. */
final class Options {

    private Options() {
    }

    static void rejectAny(String handler, Map<String, String> options) {
        rejectAllBut(handler, options);
    }

    static void rejectAllBut(String handler, Map<String, String> options, String... known) {
        Set<String> allowed = Set.of(known);
        for (String key : options.keySet()) {
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException("handler '" + handler + "' has no option '" + key + "'"
                        + (known.length == 0 ? "; it takes none" : "; its options are " + String.join(", ", known)));
            }
        }
    }

    static int integer(String handler, Map<String, String> options, String key, int fallback, int min, int max) {
        String text = options.get(key);
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("handler '" + handler + "' option '" + key + "' = '" + text + "' must be a whole number "
                + min + ".." + max);
    }
}
