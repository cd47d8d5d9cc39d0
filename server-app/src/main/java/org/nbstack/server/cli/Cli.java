package org.nbstack.server.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/** What a command writes to and reads from: standard output and error, the environment, and standard input. */
record Cli(PrintStream out, PrintStream err, Map<String, String> environment, InputStream in) {

    Cli(PrintStream out, PrintStream err, Map<String, String> environment) {
        this(out, err, environment, System.in);
    }
}
