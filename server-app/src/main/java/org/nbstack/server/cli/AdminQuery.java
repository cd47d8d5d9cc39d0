package org.nbstack.server.cli;

import java.util.Map;
import org.nbstack.config.LoggingSettings;
import org.nbstack.config.NbstackConfig;
import org.nbstack.server.logging.LoggingSetup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The shared part of status, sessions and netstat: which admin endpoint to ask. */
abstract class AdminQuery {

    final Cli cli;

    @Mixin
    ConfigOptions config;

    @Option(names = "--admin", paramLabel = "HOST:PORT", description = "the server's admin endpoint (default: nbstack.admin.bind)")
    String admin;

    @Option(names = "--json", description = "print the admin endpoint's JSON as served instead of the table")
    boolean json;

    AdminQuery(Cli cli) {
        this.cli = cli;
    }

    /** Prints the text (or, with --json, the JSON) view of {@code path}; 0 when the server answered, 1 when it could not be reached. */
    int show(String path) {
        NbstackConfig loaded = config.load(cli.environment()).config();
        LoggingSetup.apply(new LoggingSettings(loaded.logging().format(), "WARN", Map.of()));
        String address = admin != null ? admin : loaded.admin().bind().toString();
        try {
            cli.out().print(new AdminClient(address).view(path, json));
            return Main.OK;
        } catch (AdminClient.AdminUnreachableException e) {
            cli.err().println("nbstack: " + e.getMessage());
            return Main.FAILED;
        }
    }
}
