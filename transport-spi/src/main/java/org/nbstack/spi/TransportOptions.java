package org.nbstack.spi;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Immutable string settings handed to a {@link TransportProvider}, e.g. the engine's IPv4 addresses and
 * link URI. Kernel transports ignore them. Keys are kept sorted so {@link #toString()} is stable.
 */
public final class TransportOptions {

    private static final TransportOptions EMPTY = new TransportOptions(Map.of());

    private final Map<String, String> values;

    private TransportOptions(Map<String, String> values) {
        this.values = values;
    }

    public static TransportOptions empty() {
        return EMPTY;
    }

    public static TransportOptions of(Map<String, String> values) {
        Objects.requireNonNull(values, "values");
        TreeMap<String, String> copy = new TreeMap<>();
        values.forEach((key, value) -> {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("transport option keys must be non-blank, got: " + values.keySet());
            }
            copy.put(key, Objects.requireNonNull(value, () -> "transport option '" + key + "' has no value"));
        });
        return copy.isEmpty() ? EMPTY : new TransportOptions(java.util.Collections.unmodifiableMap(copy));
    }

    public static TransportOptions of(String key, String value) {
        return of(Map.of(key, value));
    }

    /** A copy with {@code key} set to {@code value}. */
    public TransportOptions with(String key, String value) {
        TreeMap<String, String> copy = new TreeMap<>(values);
        copy.put(key, value);
        return of(copy);
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public String getOrDefault(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    /** The value of {@code key}, or an {@link IllegalArgumentException} naming the missing key. */
    public String require(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException("transport option '" + key + "' is required but not set (set: "
                    + values.keySet() + ")");
        }
        return value;
    }

    public Map<String, String> asMap() {
        return values;
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TransportOptions that && values.equals(that.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
