package org.nbstack.server.cli;

import java.util.concurrent.Callable;
import org.nbstack.server.handlers.SessionHandlers;
import picocli.CommandLine.Command;

/** {@code nbstack handlers}: the session handlers a name can use, built in and plugged in. */
@Command(name = "handlers", mixinStandardHelpOptions = true, description = "List the session handlers on the class path.")
final class HandlersCommand implements Callable<Integer> {

    private final Cli cli;

    HandlersCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        SessionHandlers.discover().factories().forEach((name, factory) ->
                cli.out().printf("%-10s %s%n", name, factory.description()));
        return Main.OK;
    }
}
