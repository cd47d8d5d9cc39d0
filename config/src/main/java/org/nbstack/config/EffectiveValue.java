package org.nbstack.config;

/**
 * One key of the effective configuration, as {@code --print-config} shows it.
 *
 * @param key    the full key, e.g. {@code nbstack.admin.bind}
 * @param value  the value in HOCON syntax
 * @param origin {@code reference.conf:LINE}, {@code FILE:LINE}, {@code env NBSTACK_...} or {@code command line --set}
 */
public record EffectiveValue(String key, String value, String origin) {

    @Override
    public String toString() {
        return key + " = " + value + "  # " + origin;
    }
}
