package org.nbstack.config;

import com.typesafe.config.ConfigOrigin;

/** Where a value came from, as {@code --print-config} and error messages show it. */
final class Origins {

    static final String ENV_PREFIX = "env ";
    static final String CLI = "command line --set";

    private Origins() {
    }

    /** {@code reference.conf:42}, {@code /etc/nbstack.conf:7}, {@code env NBSTACK_ADMIN_BIND}, {@code command line --set}. */
    static String describe(ConfigOrigin origin) {
        if (origin == null) {
            return "unknown";
        }
        String line = origin.lineNumber() > 0 ? ":" + origin.lineNumber() : "";
        if (origin.resource() != null) { // the defaults: the same name whether in a jar or in target/classes
            return origin.resource() + line;
        }
        if (origin.filename() != null) {
            return origin.filename() + line;
        }
        return origin.description();
    }
}
