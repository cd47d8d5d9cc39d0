package org.nbstack.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Typed, checked reads of a merged config. Records every key it is asked for (the valid keys, for
 * unknown-key detection and suggestions) and collects problems instead of stopping at the first, so that one
 * pass learns every valid key even when some value is wrong.
 */
final class ConfigReader {

    private final Config config;
    private final Set<String> keysRead = new LinkedHashSet<>();
    private final Set<String> freeFormPrefixes = new LinkedHashSet<>();
    private final List<String> problems = new ArrayList<>();

    ConfigReader(Config config) {
        this.config = config;
    }

    Config config() {
        return config;
    }

    List<String> problems() {
        return problems;
    }

    Set<String> keysRead() {
        return keysRead;
    }

    static String path(String... segments) {
        return ConfigUtil.joinPath(segments);
    }

    /** The child keys of an object (e.g. listener names), sorted; empty when absent. */
    Set<String> childKeys(String path) {
        keysRead.add(path);
        if (!config.hasPath(path)) {
            return Set.of();
        }
        ConfigValue value = config.getValue(path);
        if (value.valueType() != ConfigValueType.OBJECT) {
            problem(path, value, "a section { ... }");
            return Set.of();
        }
        return new TreeSet<>(((ConfigObject) value).keySet());
    }

    String string(String path) {
        return read(path, "a string", c -> {
            ConfigValue value = c.getValue(path);
            if (value.valueType() == ConfigValueType.OBJECT || value.valueType() == ConfigValueType.LIST) {
                throw new ConfigException.WrongType(value.origin(), path, "string", value.valueType().name());
            }
            return c.getString(path);
        }, "");
    }

    boolean bool(String path) {
        return read(path, "true or false", c -> c.getBoolean(path), false);
    }

    int integer(String path, int min, int max) {
        long value = read(path, "a whole number " + min + ".." + max, c -> c.getLong(path), (long) min);
        if (value < min || value > max) {
            problem(path, config.getValue(path), "a whole number " + min + ".." + max);
            return min;
        }
        return (int) value;
    }

    /** A size such as {@code 64KiB}, {@code 1MiB} or a plain number of octets. */
    long bytes(String path, long min, long max) {
        String allowed = "a size " + sizeText(min) + ".." + sizeText(max) + " such as 512KiB or 1MiB";
        long value = read(path, allowed, c -> c.getBytes(path), min);
        if (value < min || value > max) {
            problem(path, config.getValue(path), allowed);
            return min;
        }
        return value;
    }

    /** A duration such as {@code 500ms}, {@code 30s}, {@code 2m}; a plain number is milliseconds. */
    Duration duration(String path, Duration min, Duration max) {
        String allowed = "a duration " + durationText(min) + ".." + durationText(max) + " such as 500ms, 30s or 2m";
        Duration value = read(path, allowed, c -> c.getDuration(path), min);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            problem(path, config.getValue(path), allowed);
            return min;
        }
        return value;
    }

    /** One of {@code type}'s constants, written in lower case with dashes ({@code drop-newest}). */
    <E extends Enum<E>> E enumValue(String path, Class<E> type) {
        List<String> names = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            names.add(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        String allowed = "one of " + String.join(", ", names);
        String text = read(path, allowed, c -> c.getString(path), null);
        if (text == null) {
            return type.getEnumConstants()[0];
        }
        String wanted = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(wanted)) {
                return constant;
            }
        }
        problem(path, config.getValue(path), allowed);
        return type.getEnumConstants()[0];
    }

    /** {@code host:port}. */
    HostPort hostPort(String path) {
        String text = string(path);
        if (!config.hasPath(path)) {
            return new HostPort("127.0.0.1", 0);
        }
        HostPort parsed = HostPort.parse(text.trim());
        if (parsed == null) {
            problem(path, config.getValue(path), "host:port with a port 0..65535, e.g. 127.0.0.1:1139");
            return new HostPort("127.0.0.1", 0);
        }
        return parsed;
    }

    /** A list of strings, also accepted as one comma-separated string (as environment variables give it). */
    List<String> stringList(String path) {
        keysRead.add(path);
        if (!config.hasPath(path)) {
            problem(path, null, "a list of strings");
            return List.of();
        }
        ConfigValue value = config.getValue(path);
        try {
            if (value.valueType() == ConfigValueType.STRING) {
                return splitCommas(config.getString(path));
            }
            return List.copyOf(config.getStringList(path));
        } catch (ConfigException e) {
            problem(path, value, "a list of strings such as [\"A\", \"B\"] or \"A,B\"");
            return List.of();
        }
    }

    /** A section whose keys are free-form (options handed on as they are): every key is valid. */
    Map<String, String> stringMap(String path) {
        keysRead.add(path);
        freeFormPrefixes.add(path + ".");
        Map<String, String> result = new LinkedHashMap<>();
        if (!config.hasPath(path)) {
            return result;
        }
        ConfigValue value = config.getValue(path);
        if (value.valueType() != ConfigValueType.OBJECT) {
            problem(path, value, "a section of key = value options");
            return result;
        }
        for (Map.Entry<String, ConfigValue> entry : config.getConfig(path).entrySet()) {
            ConfigValue option = entry.getValue();
            String key = String.join(".", ConfigUtil.splitPath(entry.getKey())); // "a.b" quoted or nested: the same option
            result.put(key, option.valueType() == ConfigValueType.STRING ? (String) option.unwrapped()
                    : option.render(ConfigRenderOptions.concise()));
        }
        return result;
    }

    /** Declares {@code key} valid without reading it (the fields of the listener and name templates). */
    void markKnown(String key) {
        keysRead.add(key);
    }

    /** Declares every key under {@code section} valid (a free-form options section). */
    void markFreeForm(String section) {
        freeFormPrefixes.add(section + ".");
    }

    /** Whether {@code key} is a key this reader was asked for, or lies in a free-form section. */
    boolean isKnown(String key) {
        if (keysRead.contains(key)) {
            return true;
        }
        for (String prefix : freeFormPrefixes) {
            if (key.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    void problem(String path, ConfigValue value, String allowed) {
        if (value == null) {
            problems.add("configuration key '" + path + "' is missing; it must be " + allowed);
        } else {
            problems.add("configuration key '" + path + "' = " + value.render(ConfigRenderOptions.concise())
                    + " (from " + Origins.describe(value.origin()) + ") is not valid: it must be " + allowed);
        }
    }

    /** A problem with a whole section (its key, or what its fields add up to): {@code configuration key 'a.b' <what>}. */
    void sectionProblem(String path, String what) {
        problems.add("configuration key '" + path + "' " + what);
    }

    private <T> T read(String path, String allowed, Function<Config, T> getter, T fallback) {
        keysRead.add(path);
        if (!config.hasPath(path)) {
            problem(path, null, allowed);
            return fallback;
        }
        try {
            return getter.apply(config);
        } catch (ConfigException e) {
            problem(path, config.getValue(path), allowed);
            return fallback;
        }
    }

    private static List<String> splitCommas(String text) {
        List<String> parts = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                parts.add(part.trim());
            }
        }
        return List.copyOf(parts);
    }

    private static String sizeText(long octets) {
        if (octets >= 1L << 30 && octets % (1L << 30) == 0) {
            return (octets >> 30) + "GiB";
        }
        if (octets >= 1L << 20 && octets % (1L << 20) == 0) {
            return (octets >> 20) + "MiB";
        }
        if (octets >= 1024 && octets % 1024 == 0) {
            return (octets >> 10) + "KiB";
        }
        return octets + "B";
    }

    private static String durationText(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.toMillis() % 86_400_000L == 0) {
            return d.toDays() + "d";
        }
        if (d.toMillis() % 3_600_000L == 0) {
            return d.toHours() + "h";
        }
        if (d.toMillis() % 1000 == 0) {
            return d.toSeconds() + "s";
        }
        return d.toMillis() + "ms";
    }
}
