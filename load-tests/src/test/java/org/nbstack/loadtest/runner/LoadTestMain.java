package org.nbstack.loadtest.runner;

import java.nio.file.Path;
import org.nbstack.loadtest.targets.LoadTargets;

/** Entry point of {@code bin/loadtest}. Exit status: 0 passed, 2 an assertion failed, 3 skipped (target unavailable), 64 bad usage. */
public final class LoadTestMain {

    private static final int USAGE_ERROR = 64;

    private LoadTestMain() {
    }

    public static void main(String[] args) throws Exception {
        RunOptions options;
        try {
            options = RunOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bin/loadtest: " + e.getMessage());
            System.err.println(RunOptions.USAGE);
            System.exit(USAGE_ERROR);
            return;
        }
        Path repository = Path.of(System.getProperty("nbstack.loadtest.repository", "..")).toAbsolutePath().normalize();
        int status;
        try {
            status = switch (options.command()) {
                case "list" -> list();
                case "compare" -> new Comparison(options, System.out).run();
                case "short-forms" -> new ShortForms(options.transport(), System.out).run();
                default -> new SingleRun(options, repository, System.out).run();
            };
        } catch (IllegalArgumentException e) {
            System.err.println("bin/loadtest: " + e.getMessage());
            status = USAGE_ERROR;
        }
        System.exit(status); // Gatling and Netty leave non-daemon threads behind
    }

    private static int list() {
        System.out.println("simulations: " + SimulationCatalog.ALL.stream().map(SimulationCatalog.Entry::name).toList());
        for (String name : LoadTargets.names()) {
            System.out.println("transport " + name + ": " + LoadTargets.named(name).unavailableReason().orElse("available"));
        }
        return 0;
    }
}
