package org.nbstack.server.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.nbstack.config.LoadedConfig;
import org.nbstack.server.app.NbstackServer;
import org.nbstack.server.app.ServerOptions;
import org.nbstack.server.logging.LoggingSetup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code nbstack serve}: starts the listeners and the admin endpoint; SIGTERM or Ctrl-C stops it gracefully, exit 0. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the server: one line per listener (transport, link, address, names), then serve until SIGTERM or Ctrl-C.")
final class ServeCommand implements Callable<Integer> {

    private final Cli cli;

    @Mixin
    ConfigOptions config;

    @Option(names = "--print-config", description = "print the effective configuration with origins and exit")
    boolean printConfig;

    ServeCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws InterruptedException {
        LoadedConfig loaded = config.load(cli.environment());
        if (printConfig) {
            cli.out().print(loaded.render());
            return Main.OK;
        }
        LoggingSetup.apply(loaded.config().logging());
        NbstackServer server = NbstackServer.start(loaded.config(), ServerOptions.to(cli.out()));
        CountDownLatch stop = new CountDownLatch(1);
        TerminationSignals.onTermination(stop::countDown);
        Thread hook = new Thread(() -> server.stop(loaded.config().shutdown().gracePeriod()), "nbstack-shutdown");
        Runtime.getRuntime().addShutdownHook(hook); // other ways out (SIGHUP, System.exit) still close sessions
        cli.out().println("serving; stop with Ctrl-C or SIGTERM (grace period " + loaded.config().shutdown().gracePeriod().toSeconds() + "s)");
        cli.out().flush();
        stop.await();
        var report = server.stop(loaded.config().shutdown().gracePeriod());
        cli.out().println("stopped: " + report.closedGracefully() + " session(s) closed gracefully, " + report.aborted()
                + " aborted, in " + report.took().toMillis() + " ms");
        cli.out().flush();
        return Main.OK;
    }
}
