package org.nbstack.config;

import java.util.Map;

/** How the server logs: readable lines or JSON, the root level and per-logger levels. */
public record LoggingSettings(Format format, String level, Map<String, String> levels) {

    public LoggingSettings {
        levels = Map.copyOf(levels);
    }

    public enum Format {
        TEXT,
        JSON
    }
}
