package org.nbstack.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code nbstack sessions}: every NetBIOS session of the running server. */
@Command(name = "sessions", mixinStandardHelpOptions = true,
        description = "List the NetBIOS sessions: called and calling names, remote address, age, idle time, queue depths, state,"
                + " and what the service on each says (SMB: dialect, users, trees, open files, byte-range locks).")
final class SessionsCommand extends AdminQuery implements Callable<Integer> {

    SessionsCommand(Cli cli) {
        super(cli);
    }

    @Override
    public Integer call() {
        return show("/sessions");
    }
}
