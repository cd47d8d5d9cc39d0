package org.nbstack.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Loads nbstack's configuration: {@code reference.conf} (every default), then an operator's file, then
 * {@code NBSTACK_*} environment variables, then command-line overrides; each later source wins. The result is
 * validated into {@link NbstackConfig}; the first unknown key (with the nearest valid key) or bad value becomes
 * one {@link InvalidConfigException} line. Files are only ever read (seed 001: never write over an operator's
 * setting).
 */
public final class ConfigLoader {

    static final String LISTENERS = "nbstack.listeners";
    static final String LISTENER_DEFAULTS = "nbstack.listener-defaults";
    static final String NAMES = "nbstack.netbios.names";
    static final String NAME_DEFAULTS = "nbstack.name-defaults";
    static final String SHARES = "nbstack.smb.shares";
    static final String SHARE_DEFAULTS = "nbstack.smb.share-defaults";
    private static final ConfigRenderOptions CONCISE = ConfigRenderOptions.concise();

    private Path file;
    private Map<String, String> environment = Map.of();
    private final Map<String, String> overrides = new LinkedHashMap<>();

    private ConfigLoader() {
    }

    /** A loader of the defaults only; add a file, the environment and overrides as needed. */
    public static ConfigLoader create() {
        return new ConfigLoader();
    }

    /** The operator's HOCON file; it must exist. */
    public ConfigLoader file(Path configFile) {
        this.file = configFile;
        return this;
    }

    /** The process environment (or a test's); only {@code NBSTACK_*} variables are used. */
    public ConfigLoader environment(Map<String, String> variables) {
        this.environment = Map.copyOf(variables);
        return this;
    }

    /** Command-line overrides, {@code key -> value}; the {@code nbstack.} prefix of a key may be left out. */
    public ConfigLoader overrides(Map<String, String> keyValues) {
        keyValues.forEach(this::override);
        return this;
    }

    public ConfigLoader override(String key, String value) {
        Objects.requireNonNull(value, "value");
        String trimmed = key.trim();
        overrides.put(trimmed.startsWith(ConfigParser.ROOT + ".") ? trimmed : ConfigParser.ROOT + "." + trimmed, value);
        return this;
    }

    /** @throws InvalidConfigException naming the first unknown key or bad value */
    public LoadedConfig load() {
        Config reference = ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), "reference.conf",
                ConfigParseOptions.defaults().setAllowMissing(false));
        Config base = readFile().withFallback(reference);
        Config environmentLayer = layer(EnvironmentOverrides.keysFor(environment, knownKeys(base)), environment, true);
        Config commandLineLayer = layer(identity(overrides.keySet()), overrides, false);
        Config merged;
        try {
            merged = commandLineLayer.withFallback(environmentLayer).withFallback(base).resolve();
        } catch (ConfigException e) {
            throw new InvalidConfigException(oneLine(e.getMessage()));
        }
        rejectListenersWithoutTransport(merged);
        merged = withTemplates(merged, LISTENERS, LISTENER_DEFAULTS);
        merged = withTemplates(merged, NAMES, NAME_DEFAULTS);
        merged = withTemplates(merged, SHARES, SHARE_DEFAULTS);

        ConfigReader reader = new ConfigReader(merged);
        NbstackConfig config = new ConfigParser(reader, environment).parse();
        declareTemplates(reader, reference);
        rejectUnknownKeys(merged, reader);
        if (!reader.problems().isEmpty()) {
            int more = reader.problems().size() - 1;
            throw new InvalidConfigException(reader.problems().getFirst() + (more > 0 ? " (and " + more + " more problem(s))" : ""));
        }
        return new LoadedConfig(config, effective(merged, reader));
    }

    private Config readFile() {
        if (file == null) {
            return ConfigFactory.empty();
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new InvalidConfigException("configuration file " + file + " does not exist or cannot be read");
        }
        try {
            return ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false).setSyntax(ConfigSyntax.CONF));
        } catch (ConfigException e) {
            throw new InvalidConfigException("configuration file " + file + " cannot be parsed: " + oneLine(e.getMessage()));
        }
    }

    /** Keys an environment variable may name: everything set so far, plus each listener's and name's template fields. */
    private static Set<String> knownKeys(Config base) {
        Set<String> keys = new TreeSet<>();
        Config resolved;
        try {
            resolved = base.resolve();
        } catch (ConfigException e) {
            throw new InvalidConfigException(oneLine(e.getMessage()));
        }
        resolved.entrySet().forEach(entry -> keys.add(entry.getKey()));
        for (String[] section : new String[][] {{LISTENERS, LISTENER_DEFAULTS}, {NAMES, NAME_DEFAULTS}, {SHARES, SHARE_DEFAULTS}}) {
            if (isObject(resolved, section[0]) && isObject(resolved, section[1])) {
                for (String child : resolved.getObject(section[0]).keySet()) {
                    resolved.getConfig(section[1]).entrySet().forEach(field ->
                            keys.add(section[0] + "." + ConfigUtil.joinPath(child) + "." + field.getKey()));
                }
            }
        }
        return keys;
    }

    private static Config layer(Map<String, String> keyBySource, Map<String, String> values, boolean fromEnvironment) {
        Config layer = ConfigFactory.empty();
        for (Map.Entry<String, String> entry : keyBySource.entrySet()) {
            String source = entry.getKey();
            String key = entry.getValue();
            String origin = fromEnvironment ? Origins.ENV_PREFIX + source : Origins.CLI + " " + key;
            try {
                ConfigUtil.splitPath(key);
                layer = layer.withValue(key, ConfigValueFactory.fromAnyRef(values.get(source), origin));
            } catch (ConfigException e) {
                throw new InvalidConfigException((fromEnvironment ? "environment variable " + source + " names" : "override")
                        + " '" + key + "', which is not a valid configuration key: " + oneLine(e.getMessage()));
            }
        }
        return layer;
    }

    private static Map<String, String> identity(Set<String> keys) {
        Map<String, String> map = new LinkedHashMap<>();
        keys.forEach(key -> map.put(key, key));
        return map;
    }

    /** Each entry of {@code section} falls back to the fields of {@code template}, keeping every value's origin. */
    private static Config withTemplates(Config config, String section, String template) {
        if (!isObject(config, section) || !isObject(config, template)) {
            return config;
        }
        Config defaults = config.getConfig(template);
        Config result = config;
        for (String child : config.getObject(section).keySet()) {
            String path = section + "." + ConfigUtil.joinPath(child);
            if (isObject(config, path)) {
                result = result.withValue(path, config.getConfig(path).withFallback(defaults).root());
            }
        }
        return result;
    }

    /** The templates' own fields are valid keys too (an operator may change a default for every listener). */
    private static void declareTemplates(ConfigReader reader, Config reference) {
        for (String template : List.of(LISTENER_DEFAULTS, NAME_DEFAULTS, SHARE_DEFAULTS)) {
            reader.markKnown(template);
            for (Map.Entry<String, ConfigValue> field : reference.getConfig(template).root().entrySet()) {
                String key = template + "." + ConfigUtil.joinPath(field.getKey());
                reader.markKnown(key);
                if (field.getValue().valueType() == ConfigValueType.OBJECT) {
                    reader.markFreeForm(key);
                }
            }
        }
    }

    /**
     * Every listener names its own transport (before listener-defaults fill in the rest), so that a typo in a
     * section name ({@code listeners.kernal.bind}) is refused instead of starting a new listener on the default transport.
     */
    private static void rejectListenersWithoutTransport(Config merged) {
        if (!isObject(merged, LISTENERS)) {
            return;
        }
        Set<String> named = new TreeSet<>();
        Set<String> unnamed = new TreeSet<>();
        for (String child : merged.getObject(LISTENERS).keySet()) {
            String path = LISTENERS + "." + ConfigUtil.joinPath(child);
            if (isObject(merged, path)) {
                (merged.hasPath(path + ".transport") ? named : unnamed).add(path);
            }
        }
        if (unnamed.isEmpty()) {
            return;
        }
        String section = unnamed.iterator().next();
        String origin = merged.getConfig(section).entrySet().stream().map(e -> Origins.describe(e.getValue().origin())).sorted()
                .findFirst().orElse("an empty section");
        throw new InvalidConfigException("listener '" + section + "' (from " + origin + ") names no transport; "
                + EditDistance.nearest(section, named).map(s -> "did you mean '" + s + "'?")
                        .orElse("a new listener needs " + section + ".transport = nio, epoll or engine"));
    }

    private static void rejectUnknownKeys(Config merged, ConfigReader reader) {
        List<String> unknown = merged.entrySet().stream().map(Map.Entry::getKey).filter(key -> !reader.isKnown(key)).sorted().toList();
        if (unknown.isEmpty()) {
            return;
        }
        String first = unknown.getFirst();
        Set<String> valid = new LinkedHashSet<>();
        for (String key : reader.keysRead()) {
            if (isLeaf(merged, key) || isTemplate(key)) {
                valid.add(key);
            }
        }
        Optional<String> suggestion = EditDistance.nearest(first, valid);
        String message = "unknown configuration key '" + first + "' (from " + Origins.describe(merged.getValue(first).origin()) + ")"
                + suggestion.map(s -> "; did you mean '" + s + "'?").orElse("; nbstack --print-config lists the valid keys");
        if (unknown.size() > 1) {
            message += " (and " + (unknown.size() - 1) + " more unknown key(s))";
        }
        throw new InvalidConfigException(message);
    }

    private static List<EffectiveValue> effective(Config merged, ConfigReader reader) {
        List<EffectiveValue> values = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (String key : reader.keysRead()) {
            if (!merged.hasPath(key) || isTemplate(key)) {
                continue;
            }
            ConfigValue value = merged.getValue(key);
            if (value.valueType() == ConfigValueType.OBJECT) {
                // a free-form section: its entries, each with its origin
                merged.getConfig(key).entrySet().stream().map(Map.Entry::getKey).sorted().forEach(child -> {
                    String full = key + "." + child;
                    if (seen.add(full)) {
                        ConfigValue childValue = merged.getValue(full);
                        values.add(new EffectiveValue(full, childValue.render(CONCISE), Origins.describe(childValue.origin())));
                    }
                });
            } else if (seen.add(key)) {
                values.add(new EffectiveValue(key, value.render(CONCISE), Origins.describe(value.origin())));
            }
        }
        return values;
    }

    private static boolean isTemplate(String key) {
        return key.startsWith(LISTENER_DEFAULTS) || key.startsWith(NAME_DEFAULTS) || key.startsWith(SHARE_DEFAULTS);
    }

    private static boolean isObject(Config config, String path) {
        return config.hasPath(path) && config.getValue(path).valueType() == ConfigValueType.OBJECT;
    }

    private static boolean isLeaf(Config config, String path) {
        return config.hasPath(path) && config.getValue(path).valueType() != ConfigValueType.OBJECT;
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
