package org.nbstack.smb.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Samba's {@code smbd} serving one directory as share "share" to guests, for the side-by-side benchmark: started in the
 * foreground with a configuration written into its own directory (lock, state, cache, private and pid directories
 * there too, so nothing of a system Samba is read or written; its passdb too, see {@link #addUser}), listening on port
 * 139 of one loopback address only. Port 139 needs root; smbclient sends a NetBIOS SESSION REQUEST there, as it does to
 * nbstack.
 */
final class SambaServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    final String host;
    private final Process smbd;
    private final Path log;
    private final Path conf;

    private SambaServer(String host, Process smbd, Path log, Path conf) {
        this.host = host;
        this.smbd = smbd;
        this.log = log;
        this.conf = conf;
    }

    /** smbd on {@code host}:139 serving {@code shareDir}, ready once smbclient lists the share. */
    static SambaServer start(Path home, String host, Path shareDir) throws Exception {
        for (String dir : List.of("lock", "state", "cache", "private", "pid", "ncalrpc")) {
            Files.createDirectories(home.resolve(dir));
        }
        Path conf = home.resolve("smb.conf");
        Files.writeString(conf, """
                [global]
                  server role = standalone server
                  map to guest = Bad User
                  guest account = %s
                  smb ports = 139
                  interfaces = %s/8
                  bind interfaces only = yes
                  lock directory = %s/lock
                  state directory = %s/state
                  cache directory = %s/cache
                  private dir = %s/private
                  pid directory = %s/pid
                  ncalrpc dir = %s/ncalrpc
                  log file = %s/log.%%m
                  load printers = no
                  printing = bsd
                  printcap name = /dev/null
                  disable spoolss = yes
                  # the dialects nbstack serves over NetBIOS (MS-SMB2 allows up to 3.0.2 there)
                  server min protocol = SMB2_02
                  server max protocol = SMB3_02
                  passdb backend = tdbsam
                [share]
                  path = %s
                  guest ok = yes
                  read only = no
                  force user = %s
                """.formatted(user(), host, home, home, home, home, home, home, home, shareDir, user()), StandardCharsets.UTF_8);
        Path log = home.resolve("smbd.out");
        Process smbd = new ProcessBuilder("smbd", "--foreground", "--configfile=" + conf, "--debuglevel=0",
                "--debug-stdout").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        SambaServer server = new SambaServer(host, smbd, log, conf);
        try {
            server.awaitReady(home);
            return server;
        } catch (Exception e) {
            server.close();
            throw e;
        }
    }

    private void awaitReady(Path dir) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!smbd.isAlive()) {
                throw new IllegalStateException("smbd exited with " + smbd.exitValue() + ": " + Files.readString(log));
            }
            if (Smbclient.run(dir, List.of(), host, 139, "share", "ls").exit() == 0) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("smbd did not serve the share within " + START_TIMEOUT + ": " + Files.readString(log));
    }

    /**
     * Gives the running Unix user (which exists: no system account is made or changed) a password in this server's own
     * passdb, tdbsam in its private directory, so a client can log on as {@link #user()} and sign or encrypt. Null where
     * that worked, else why not.
     */
    String addUser(String password) throws Exception {
        Process smbpasswd = new ProcessBuilder("smbpasswd", "-c", conf.toString(), "-s", "-a", user()).redirectErrorStream(true).start();
        smbpasswd.getOutputStream().write((password + "\n" + password + "\n").getBytes(StandardCharsets.UTF_8));
        smbpasswd.getOutputStream().close();
        String output = new String(smbpasswd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return smbpasswd.waitFor() == 0 ? null : "smbpasswd -a " + user() + " exited with " + smbpasswd.exitValue() + ": " + output.strip();
    }

    static String user() {
        return System.getProperty("user.name");
    }

    @Override
    public void close() throws IOException, InterruptedException {
        // SIGTERM: smbd ends its children by signalling its process group, which is its own (no --no-process-group:
        // in ours that signal would end this JVM and whoever started it)
        smbd.destroy();
        if (!smbd.waitFor(10, TimeUnit.SECONDS)) {
            smbd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
