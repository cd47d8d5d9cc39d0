package org.nbstack.server.cli;

import java.io.PrintStream;
import java.util.Map;
import org.nbstack.config.InvalidConfigException;
import org.nbstack.server.app.StartupException;
import picocli.CommandLine;

/**
 * {@code nbstack}: exit status 0 on success, 1 when the command failed (an unreachable server, a lost echo,
 * a listener that cannot start), 2 for a usage or configuration error. Errors are one line, never a stack trace.
 */
public final class Main {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.getenv()));
    }

    /** Runs one command; the seam for in-process tests. */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> environment) {
        return run(args, out, err, environment, System.in);
    }

    /** Like {@link #run(String[], PrintStream, PrintStream, Map)} with standard input given (passwords for nbstack user). */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> environment, java.io.InputStream in) {
        Cli cli = new Cli(out, err, environment, in);
        CommandLine commandLine = new CommandLine(new NbstackCommand(cli), new CliFactory(cli));
        commandLine.setOut(new java.io.PrintWriter(out, true));
        commandLine.setErr(new java.io.PrintWriter(err, true));
        // a usage mistake is one line naming the command and where its help is, not the whole usage text
        commandLine.setParameterExceptionHandler((e, args2) -> {
            String command = e.getCommandLine().getCommandSpec().qualifiedName();
            err.println(command + ": " + e.getMessage() + " (" + command + " --help lists the options)");
            return USAGE;
        });
        commandLine.setExecutionExceptionHandler((e, line, parsed) -> {
            switch (e) {
                case InvalidConfigException config -> {
                    err.println("nbstack: configuration error: " + config.getMessage());
                    return USAGE;
                }
                case StartupException startup -> {
                    err.println("nbstack: cannot start: " + startup.getMessage());
                    return FAILED;
                }
                default -> {
                    err.println("nbstack: " + e.getClass().getSimpleName() + ": " + e.getMessage());
                    return FAILED;
                }
            }
        });
        return commandLine.execute(args);
    }
}
