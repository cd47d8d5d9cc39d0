package org.nbstack.loadtest.gatling;

import java.time.Duration;
import java.util.Locale;

/**
 * A simulation's settings from {@code nbstack.loadtest.*} system properties, each with a full-length default and a
 * short one used when {@code nbstack.loadtest.short=true} (the form {@code bin/test} runs).
 */
public final class Knobs {

    public static final String PREFIX = "nbstack.loadtest.";
    public static final String SHORT = PREFIX + "short";

    private Knobs() {
    }

    public static boolean isShort() {
        return Boolean.parseBoolean(System.getProperty(SHORT, "false"));
    }

    public static int integer(String name, int full, int shortForm) {
        String value = System.getProperty(PREFIX + name);
        try {
            return value == null ? (isShort() ? shortForm : full) : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PREFIX + name + " must be a whole number, was '" + value + "'");
        }
    }

    public static double decimal(String name, double full, double shortForm) {
        String value = System.getProperty(PREFIX + name);
        try {
            return value == null ? (isShort() ? shortForm : full) : Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PREFIX + name + " must be a number, was '" + value + "'");
        }
    }

    /** A duration such as {@code 30s}, {@code 500ms}, {@code 2m} or ISO-8601 {@code PT30S}. */
    public static Duration duration(String name, Duration full, Duration shortForm) {
        String value = System.getProperty(PREFIX + name);
        return value == null ? (isShort() ? shortForm : full) : parseDuration(PREFIX + name, value);
    }

    static Duration parseDuration(String what, String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (value.startsWith("pt")) {
                return Duration.parse(value.toUpperCase(Locale.ROOT));
            }
            if (value.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
            }
            if (value.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
            }
            if (value.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(value));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(what + " must be a duration such as 30s, 500ms or 2m, was '" + text + "'");
        }
    }
}
