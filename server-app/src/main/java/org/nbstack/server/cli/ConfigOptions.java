package org.nbstack.server.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nbstack.config.ConfigLoader;
import org.nbstack.config.LoadedConfig;
import picocli.CommandLine.Option;

/** The options every command shares: where the configuration comes from. */
final class ConfigOptions {

    @Option(names = "--config", paramLabel = "FILE",
            description = "HOCON configuration file (default: $NBSTACK_CONFIG, else the built-in defaults); never written to")
    Path file;

    @Option(names = {"-D", "--set"}, paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "override one key, e.g. --set netbios.max-sessions=100 (the nbstack. prefix may be left out)")
    Map<String, String> overrides = new LinkedHashMap<>();

    /** reference.conf, then the file, then NBSTACK_* variables, then --set. */
    LoadedConfig load(Map<String, String> environment) {
        ConfigLoader loader = ConfigLoader.create().environment(environment).overrides(overrides);
        Path configFile = file;
        if (configFile == null && environment.get("NBSTACK_CONFIG") != null && !environment.get("NBSTACK_CONFIG").isBlank()) {
            configFile = Path.of(environment.get("NBSTACK_CONFIG"));
        }
        if (configFile != null) {
            loader.file(configFile);
        }
        return loader.load();
    }
}
