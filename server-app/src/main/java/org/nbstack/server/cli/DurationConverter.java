package org.nbstack.server.cli;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations on the command line in the configuration file's syntax ({@code 250ms}, {@code 2s}, {@code 1m}, {@code 2h},
 * {@code 1 day}), parsed by the same library, so that what the configuration takes the CLI takes too. Negative
 * durations are refused here, with the option's own one-line error.
 */
final class DurationConverter implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String text) {
        Duration parsed;
        try {
            parsed = ConfigFactory.empty().withValue("d", ConfigValueFactory.fromAnyRef(text.trim())).getDuration("d");
        } catch (ConfigException e) {
            throw new TypeConversionException("'" + text + "' is not a duration; write e.g. 250ms, 2s, 1m or 2h");
        }
        if (parsed.isNegative()) {
            throw new TypeConversionException("'" + text + "' is negative; a duration is 0 or more, e.g. 250ms");
        }
        return parsed;
    }
}
