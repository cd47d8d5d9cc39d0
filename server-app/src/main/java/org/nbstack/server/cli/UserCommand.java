package org.nbstack.server.cli;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.nbstack.smb.auth.Account;
import org.nbstack.smb.auth.AccountFile;
import org.nbstack.smb.auth.NtlmV2;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nbstack user add|remove|list|set}: the SMB accounts in {@code nbstack.smb.users-file}. The file keeps NT hashes
 * only; a password is read from the terminal without echo (asked twice), else as one line of standard input, and is
 * never printed. The running server picks changes up on its next logon.
 */
@Command(name = "user", mixinStandardHelpOptions = true,
        description = "Manage the SMB accounts (the file nbstack.smb.users-file, default <data-dir>/users).",
        subcommands = {UserCommand.Add.class, UserCommand.Remove.class, UserCommand.List.class, UserCommand.SetState.class})
final class UserCommand implements Callable<Integer> {

    static final int MAX_PASSWORD = 256;

    private final Cli cli;

    UserCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        cli.err().println("nbstack user: name a command: add, remove, list, set (nbstack user --help)");
        return Main.USAGE;
    }

    /** What every subcommand shares: the configuration that names the file, and one-line errors. */
    abstract static class FileCommand implements Callable<Integer> {

        final Cli cli;
        @Mixin
        ConfigOptions config;

        FileCommand(Cli cli) {
            this.cli = cli;
        }

        Path file() {
            return config.load(cli.environment()).config().smb().usersFile();
        }

        Map<String, Account> read(Path file) throws IOException {
            try {
                return new LinkedHashMap<>(AccountFile.read(file));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + " is not a valid account file: " + e.getMessage(), e);
            }
        }

        void write(Path file, Map<String, Account> accounts) throws IOException {
            try {
                AccountFile.write(file, accounts.values());
            } catch (IOException e) {
                throw new IOException("cannot write " + file + ": " + describe(e), e);
            }
        }

        int fail(String message) {
            cli.err().println("nbstack user: " + message);
            return Main.FAILED;
        }

        int usage(String message) {
            cli.err().println("nbstack user: " + message);
            return Main.USAGE;
        }

        @Override
        public Integer call() {
            try {
                return run();
            } catch (IOException e) {
                return fail(describe(e));
            }
        }

        abstract int run() throws IOException;

        private static String describe(IOException e) {
            return e instanceof java.nio.file.AccessDeniedException ? "permission denied (" + e.getMessage() + ")"
                    : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add an account; its password is read from the terminal (no echo) or one line of standard input.")
    static final class Add extends FileCommand {

        @Parameters(paramLabel = "NAME", description = "the user name (1..64 characters; case is ignored when logging on)")
        String name;

        @Option(names = "--replace", description = "set a new password for an existing account (its state is kept)")
        boolean replace;

        @Option(names = "--disabled", description = "add the account disabled (logons get ACCOUNT_DISABLED)")
        boolean disabled;

        Add(Cli cli) {
            super(cli);
        }

        @Override
        int run() throws IOException {
            Optional<String> problem = AccountFile.nameProblem(name);
            if (problem.isPresent()) {
                return usage("bad user name '" + name + "': it " + problem.get());
            }
            Path file = file();
            Map<String, Account> accounts = read(file);
            Account existing = accounts.get(Account.key(name));
            if (existing != null && !replace) {
                return fail("user '" + existing.name() + "' exists in " + file + " (--replace sets a new password)");
            }
            char[] password = readPassword();
            if (password == null) {
                return usage("no password given (type it at the prompt, or give one line on standard input)");
            }
            byte[] hash = NtlmV2.ntHash(password);
            Arrays.fill(password, '\0');
            Account account = existing == null ? new Account(name, hash, disabled, false)
                    : new Account(existing.name(), hash, existing.disabled() || disabled, existing.locked());
            Arrays.fill(hash, (byte) 0);
            accounts.put(Account.key(name), account);
            write(file, accounts);
            cli.out().println((existing == null ? "added user '" : "set a new password for user '") + account.name() + "' to " + file);
            return Main.OK;
        }

        /** From the terminal without echo, asked twice; else one line of standard input. Null when none or they differ. */
        private char[] readPassword() throws IOException {
            Console console = System.console();
            if (cli.in() == System.in && console != null && console.isTerminal()) {
                char[] first = console.readPassword("Password for %s: ", name);
                char[] second = console.readPassword("Again: ");
                if (first == null || second == null || !Arrays.equals(first, second)) {
                    cli.err().println("nbstack user: the passwords differ");
                    return null;
                }
                Arrays.fill(second, '\0');
                return first.length == 0 || first.length > MAX_PASSWORD ? null : first;
            }
            return readLine(cli.in());
        }

        /** One line (without its end) of at most MAX_PASSWORD characters, UTF-8; null when empty or too long. */
        private static char[] readLine(InputStream in) throws IOException {
            byte[] buffer = new byte[MAX_PASSWORD * 4 + 2];
            int length = 0;
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                if (length == buffer.length) {
                    Arrays.fill(buffer, (byte) 0);
                    return null;
                }
                buffer[length++] = (byte) b;
            }
            if (length > 0 && buffer[length - 1] == '\r') {
                length--;
            }
            java.nio.CharBuffer chars = java.nio.charset.StandardCharsets.UTF_8.decode(java.nio.ByteBuffer.wrap(buffer, 0, length));
            Arrays.fill(buffer, (byte) 0);
            char[] password = Arrays.copyOf(chars.array(), chars.limit());
            Arrays.fill(chars.array(), '\0');
            return password.length == 0 || password.length > MAX_PASSWORD ? null : password;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove an account.")
    static final class Remove extends FileCommand {

        @Parameters(paramLabel = "NAME")
        String name;

        Remove(Cli cli) {
            super(cli);
        }

        @Override
        int run() throws IOException {
            Path file = file();
            Map<String, Account> accounts = read(file);
            Account removed = accounts.remove(Account.key(name));
            if (removed == null) {
                return fail("no user '" + name + "' in " + file);
            }
            write(file, accounts);
            cli.out().println("removed user '" + removed.name() + "' from " + file);
            return Main.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the accounts and their states (never their hashes).")
    static final class List extends FileCommand {

        List(Cli cli) {
            super(cli);
        }

        @Override
        int run() throws IOException {
            Path file = file();
            Map<String, Account> accounts = read(file);
            if (accounts.isEmpty()) {
                cli.out().println("no accounts in " + file + (Files.exists(file) ? "" : " (it does not exist yet)"));
                return Main.OK;
            }
            cli.out().printf("%-24s %s%n", "NAME", "STATE");
            for (Account a : accounts.values()) {
                cli.out().printf("%-24s %s%n", a.name(), state(a).word());
            }
            return Main.OK;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Set an account's state: enabled, disabled (ACCOUNT_DISABLED) or locked (ACCOUNT_LOCKED_OUT).")
    static final class SetState extends FileCommand {

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "STATE", description = "enabled, disabled or locked")
        String stateWord;

        SetState(Cli cli) {
            super(cli);
        }

        @Override
        int run() throws IOException {
            AccountFile.State state;
            try {
                state = AccountFile.State.valueOf(stateWord.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return usage("bad state '" + stateWord + "': it must be enabled, disabled or locked");
            }
            Path file = file();
            Map<String, Account> accounts = read(file);
            Account a = accounts.get(Account.key(name));
            if (a == null) {
                return fail("no user '" + name + "' in " + file);
            }
            accounts.put(Account.key(name), new Account(a.name(), a.ntHash(), state == AccountFile.State.DISABLED,
                    state == AccountFile.State.LOCKED));
            write(file, accounts);
            cli.out().println("user '" + a.name() + "' is " + state.word());
            return Main.OK;
        }
    }

    static AccountFile.State state(Account a) {
        return a.disabled() ? AccountFile.State.DISABLED : a.locked() ? AccountFile.State.LOCKED : AccountFile.State.ENABLED;
    }
}
