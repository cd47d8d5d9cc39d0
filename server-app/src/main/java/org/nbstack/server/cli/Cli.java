package org.nbstack.server.cli;

import java.io.PrintStream;
import java.util.Map;

/** What a command writes to and reads from: standard output and error, and the environment. */
record Cli(PrintStream out, PrintStream err, Map<String, String> environment) {
}
