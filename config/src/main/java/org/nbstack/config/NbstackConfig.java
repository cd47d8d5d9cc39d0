package org.nbstack.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The whole validated configuration; immutable. Built by {@link ConfigLoader}.
 *
 * @param dataDir the directory the server keeps its data in (the default share lives there); made on start
 * @param smb     the SMB2 file service's shares
 */
public record NbstackConfig(List<ListenerConfig> listeners, EngineSettings engine, NetbiosSettings netbios,
        AdminSettings admin, LoggingSettings logging, ShutdownSettings shutdown, Path dataDir, FileServiceSettings smb) {

    public NbstackConfig {
        listeners = List.copyOf(listeners);
    }

    /** The listeners with {@code enabled = true}, in configuration order. */
    public List<ListenerConfig> enabledListeners() {
        return listeners.stream().filter(ListenerConfig::enabled).toList();
    }
}
