package org.nbstack.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code nbstack status}: the running server's listeners, sessions and engine. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show the running server's listeners, session count and engine.")
final class StatusCommand extends AdminQuery implements Callable<Integer> {

    StatusCommand(Cli cli) {
        super(cli);
    }

    @Override
    public Integer call() {
        return show("/status");
    }
}
