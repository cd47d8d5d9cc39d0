package org.nbstack.smb.auth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The account file the operator manages with {@code nbstack user}: one account a line, {@code name nt-hash state},
 * the NT hash in hex and the state {@code enabled}, {@code disabled} or {@code locked}; {@code #} starts a comment.
 * Never a password. Written whole to a temporary file of mode 0600 and moved over the old one atomically, so a reader
 * sees the old file or the new one. As {@link Accounts} it reloads the file when its modification time, size or inode
 * changed, checked at most once per {@link #RECHECK_NANOS}; a file that cannot be read keeps the accounts last read.
 */
public final class AccountFile implements Accounts {

    private static final Logger LOG = LoggerFactory.getLogger(AccountFile.class);
    /** Bounds on what the server reads: beyond them the file is refused whole (and the accounts last read stay). */
    public static final int MAX_ACCOUNTS = 10_000;
    public static final long MAX_FILE_SIZE = 1 << 20;
    static final long RECHECK_NANOS = 1_000_000_000L;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final String HEADER = "# nbstack accounts: name, NT hash (MD4 of the UTF-16LE password), state. Edit with 'nbstack user'.\n";

    /** An account's state in the file. */
    public enum State {
        ENABLED,
        DISABLED,
        LOCKED;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Path file;
    private Map<String, Account> accounts = Map.of();
    private Object loadedVersion;
    private long lastCheck;
    private boolean checkedOnce;

    public AccountFile(Path file) {
        this.file = file;
    }

    public Path path() {
        return file;
    }

    @Override
    public synchronized Optional<Account> find(String name) {
        reloadIfChanged(System.nanoTime());
        return Optional.ofNullable(accounts.get(Account.key(name)));
    }

    private void reloadIfChanged(long now) {
        if (checkedOnce && now - lastCheck < RECHECK_NANOS) {
            return;
        }
        checkedOnce = true;
        lastCheck = now;
        Object version;
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            version = List.of(a.lastModifiedTime(), a.size(), String.valueOf(a.fileKey()));
        } catch (NoSuchFileException missing) {
            version = "missing";
        } catch (IOException e) {
            LOG.warn("account file {} cannot be read ({}); keeping the {} accounts read before", file, e.getMessage(), accounts.size());
            return;
        }
        if (version.equals(loadedVersion)) {
            return;
        }
        try {
            accounts = version.equals("missing") ? Map.of() : read(file);
            loadedVersion = version;
            LOG.info("account file {}: {} accounts", file, accounts.size());
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("account file {} not loaded: {}; keeping the {} accounts read before", file, e.getMessage(), accounts.size());
            loadedVersion = version; // not retried until it changes again
        }
    }

    /**
     * The accounts of {@code file}, in file order; none when it does not exist.
     *
     * @throws IllegalArgumentException naming the line of the first mistake (never its hash), or a bound exceeded
     */
    public static Map<String, Account> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Map.of();
        }
        if (Files.size(file) > MAX_FILE_SIZE) {
            throw new IllegalArgumentException("larger than " + MAX_FILE_SIZE + " octets");
        }
        Map<String, Account> out = new LinkedHashMap<>();
        int number = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            number++;
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            String[] fields = text.split("\\s+");
            if (fields.length != 3) {
                throw new IllegalArgumentException("line " + number + ": expected 'name nt-hash state', found " + fields.length + " fields");
            }
            Optional<String> badName = nameProblem(fields[0]);
            if (badName.isPresent()) {
                throw new IllegalArgumentException("line " + number + ": user name " + badName.get());
            }
            byte[] hash;
            try {
                hash = HexFormat.of().parseHex(fields[1]);
            } catch (IllegalArgumentException e) {
                hash = new byte[0];
            }
            if (hash.length != NtlmV2.HASH_SIZE) {
                throw new IllegalArgumentException("line " + number + ": the NT hash must be 32 hex digits");
            }
            State state = switch (fields[2].toLowerCase(Locale.ROOT)) {
                case "enabled" -> State.ENABLED;
                case "disabled" -> State.DISABLED;
                case "locked" -> State.LOCKED;
                default -> throw new IllegalArgumentException("line " + number + ": state must be enabled, disabled or locked");
            };
            if (out.put(Account.key(fields[0]), new Account(fields[0], hash, state == State.DISABLED, state == State.LOCKED)) != null) {
                throw new IllegalArgumentException("line " + number + ": user '" + fields[0] + "' is already on an earlier line (names ignore case)");
            }
            if (out.size() > MAX_ACCOUNTS) {
                throw new IllegalArgumentException("more than " + MAX_ACCOUNTS + " accounts");
            }
        }
        return out;
    }

    /** Writes {@code accounts} to {@code file} atomically with mode 0600 (the directory is made when missing). */
    public static void write(Path file, Collection<Account> accounts) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        StringBuilder text = new StringBuilder(HEADER);
        for (Account a : accounts) {
            State state = a.disabled() ? State.DISABLED : a.locked() ? State.LOCKED : State.ENABLED;
            text.append(a.name()).append(' ').append(HexFormat.of().formatHex(a.ntHash())).append(' ').append(state.word()).append('\n');
        }
        Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                out.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + dir + " cannot replace a file atomically", e);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * What is wrong with {@code name} as a user name, if anything: 1..64 characters, no white space or control
     * characters, none of {@code " / \ [ ] : ; | = , + * ? < > @} (Windows' rules for account names, and '@').
     */
    public static Optional<String> nameProblem(String name) {
        if (name.isEmpty() || name.length() > 64) {
            return Optional.of("must have 1 to 64 characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || "\"/\\[]:;|=,+*?<>@".indexOf(c) >= 0) {
                return Optional.of("must not contain white space, control characters or any of \"/\\[]:;|=,+*?<>@");
            }
        }
        if (name.chars().allMatch(c -> c == '.')) {
            return Optional.of("must not be only dots");
        }
        return Optional.empty();
    }
}
