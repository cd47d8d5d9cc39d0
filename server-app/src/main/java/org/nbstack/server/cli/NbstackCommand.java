package org.nbstack.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The top command: {@code nbstack [--print-config] <command>}. */
@Command(name = "nbstack", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "A NetBIOS session server on a userspace TCP/IP engine.",
        subcommands = {ServeCommand.class, StatusCommand.class, SessionsCommand.class, NetstatCommand.class, PingCommand.class,
                HandlersCommand.class, UserCommand.class},
        footer = {"", "Exit status: 0 success, 1 failure, 2 usage or configuration error."})
final class NbstackCommand implements Callable<Integer> {

    private final Cli cli;

    @Mixin
    ConfigOptions config;

    @Option(names = "--print-config", description = "print the effective configuration, each key with where its value came from, and exit")
    boolean printConfig;

    NbstackCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        if (printConfig) {
            cli.out().print(config.load(cli.environment()).render());
            return Main.OK;
        }
        cli.err().println("nbstack: name a command: serve, status, sessions, netstat, ping, handlers, user (nbstack --help)");
        return Main.USAGE;
    }
}
