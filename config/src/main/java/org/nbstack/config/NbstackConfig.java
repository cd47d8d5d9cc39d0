package org.nbstack.config;

import java.util.List;

/** The whole validated configuration; immutable. Built by {@link ConfigLoader}. */
public record NbstackConfig(List<ListenerConfig> listeners, EngineSettings engine, NetbiosSettings netbios,
        AdminSettings admin, LoggingSettings logging, ShutdownSettings shutdown) {

    public NbstackConfig {
        listeners = List.copyOf(listeners);
    }

    /** The listeners with {@code enabled = true}, in configuration order. */
    public List<ListenerConfig> enabledListeners() {
        return listeners.stream().filter(ListenerConfig::enabled).toList();
    }
}
