package org.nbstack.server.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.nbstack.config.LoadedConfig;
import org.nbstack.server.admin.HumanDuration;
import org.nbstack.server.app.NbstackServer;
import org.nbstack.server.app.ServerOptions;
import org.nbstack.server.app.ShutdownReport;
import org.nbstack.server.app.StopControl;
import org.nbstack.server.logging.LoggingSetup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code nbstack serve}: starts the listeners and the admin endpoint; SIGTERM or Ctrl-C stops it gracefully (exit 0), a second
 * signal forces the stop (exit 1). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the server: one line per listener (transport, link, address, names), then serve until SIGTERM or Ctrl-C.")
final class ServeCommand implements Callable<Integer> {

    /** How long a forced stop may take before the process is halted. */
    private static final Duration FORCED_STOP_BOUND = Duration.ofSeconds(5);

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
        Duration grace = loaded.config().shutdown().gracePeriod();
        CountDownLatch stop = new CountDownLatch(1);
        StopControl control = new StopControl(line -> {
            cli.out().println(line);
            cli.out().flush();
        }, new CompletableFuture<>());
        TerminationSignals.onTermination(stop::countDown, () -> force(control));
        Thread hook = new Thread(() -> server.stop(grace), "nbstack-shutdown");
        Runtime.getRuntime().addShutdownHook(hook); // other ways out (SIGHUP, System.exit) still close sessions
        cli.out().println("serving; stop with Ctrl-C or SIGTERM (grace period " + HumanDuration.format(grace) + ")");
        cli.out().flush();
        stop.await();
        ShutdownReport report = server.stop(grace, control);
        cli.out().println(report.summary());
        cli.out().flush();
        return report.forced() ? Main.FAILED : Main.OK;
    }

    /** A second signal: stop waiting and abort what is left; if even that hangs, the process ends anyway. */
    private void force(StopControl control) {
        cli.out().println("forcing the stop: aborting what is left");
        cli.out().flush();
        control.force();
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(FORCED_STOP_BOUND.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            Runtime.getRuntime().halt(Main.FAILED);
        }, "nbstack-forced-stop");
        watchdog.setDaemon(true);
        watchdog.start();
    }
}
