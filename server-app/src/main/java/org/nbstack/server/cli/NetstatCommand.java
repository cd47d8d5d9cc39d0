package org.nbstack.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code nbstack netstat}: the engine's connections as {@code netstat -ano} shows the kernel's. */
@Command(name = "netstat", mixinStandardHelpOptions = true,
        description = "List the userspace engine's connections (proto, recv-q, send-q, local, remote, state, timer); says so when no engine runs.")
final class NetstatCommand extends AdminQuery implements Callable<Integer> {

    NetstatCommand(Cli cli) {
        super(cli);
    }

    @Override
    public Integer call() {
        return show("/netstat");
    }
}
