package org.nbstack.config;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Maps {@code NBSTACK_*} environment variables to keys. A variable names a key by its path in upper case with
 * every {@code .} and {@code -} written as {@code _}: {@code NBSTACK_NETBIOS_MAX_SESSIONS} is
 * {@code nbstack.netbios.max-sessions}, {@code NBSTACK_LISTENERS_KERNEL_BIND} is
 * {@code nbstack.listeners.kernel.bind}. A key that exists nowhere yet (a new listener) can be spelt exactly:
 * {@code _} for {@code .}, {@code __} for {@code -}. A few variables belong to the launcher, not the config.
 */
final class EnvironmentOverrides {

    static final String PREFIX = "NBSTACK_";
    /** Read by bin/nbstack and the CLI themselves, never configuration keys. */
    static final Set<String> LAUNCHER_VARIABLES = Set.of("NBSTACK_CONFIG", "NBSTACK_JAVA_OPTS", "NBSTACK_HOME", "NBSTACK_NO_BUILD");

    private EnvironmentOverrides() {
    }

    /** The key each {@code NBSTACK_*} variable sets, by variable name (sorted). */
    static Map<String, String> keysFor(Map<String, String> environment, Collection<String> knownKeys) {
        Map<String, List<String>> byEnvName = new LinkedHashMap<>();
        for (String key : knownKeys) {
            byEnvName.computeIfAbsent(envName(key), k -> new java.util.ArrayList<>()).add(key);
        }
        Map<String, String> result = new TreeMap<>();
        for (String variable : new TreeMap<>(environment).keySet()) {
            if (!variable.startsWith(PREFIX) || LAUNCHER_VARIABLES.contains(variable)) {
                continue;
            }
            List<String> matches = byEnvName.getOrDefault(variable, List.of());
            if (matches.size() > 1) {
                throw new InvalidConfigException("environment variable " + variable + " could mean any of " + matches
                        + "; set it with --set instead");
            }
            result.put(variable, matches.isEmpty() ? spelt(variable) : matches.getFirst());
        }
        return result;
    }

    /** {@code nbstack.netbios.max-sessions} -> {@code NBSTACK_NETBIOS_MAX_SESSIONS}. */
    static String envName(String key) {
        return key.replace("\"", "").toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The exact spelling: {@code __} is {@code -}, {@code _} is {@code .}, lower case. */
    private static String spelt(String variable) {
        return variable.toLowerCase(Locale.ROOT).replace("__", "\u0000").replace('_', '.').replace('\u0000', '-');
    }
}
