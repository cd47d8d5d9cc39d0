package org.nbstack.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import java.util.Locale;
import org.nbstack.config.LoggingSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code nbstack.logging} to Logback once the configuration is known: re-reads {@code logback.xml} with
 * the chosen format ({@code text} or {@code json}) and sets the levels. Logs go to standard error, so standard
 * output stays the CLI's.
 */
public final class LoggingSetup {

    /** The Logback property that picks the appender: {@code TEXT} or {@code JSON}. */
    static final String FORMAT_PROPERTY = "NBSTACK_LOG_FORMAT";

    private LoggingSetup() {
    }

    public static void apply(LoggingSettings settings) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J binding: leave its configuration alone
        }
        URL xml = LoggingSetup.class.getResource("/logback.xml");
        if (xml != null) {
            context.reset();
            context.putProperty(FORMAT_PROPERTY, settings.format().name());
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            try {
                configurator.doConfigure(xml);
            } catch (JoranException e) {
                System.err.println("nbstack: logback.xml is broken: " + e.getMessage());
            }
        }
        context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(settings.level(), Level.INFO));
        settings.levels().forEach((logger, level) ->
                context.getLogger(logger).setLevel(Level.toLevel(level.toUpperCase(Locale.ROOT), Level.INFO)));
    }
}
