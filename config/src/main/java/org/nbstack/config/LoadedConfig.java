package org.nbstack.config;

import java.util.List;

/** The validated configuration and where each of its values came from. */
public record LoadedConfig(NbstackConfig config, List<EffectiveValue> effective) {

    public LoadedConfig {
        effective = List.copyOf(effective);
    }

    /** Every key with its value and origin, one per line, in reading order: what {@code --print-config} prints. */
    public String render() {
        StringBuilder text = new StringBuilder();
        for (EffectiveValue value : effective) {
            text.append(value).append('\n');
        }
        return text.toString();
    }
}
