package org.nbstack.netbios.interop;

import jcifs.smb.SmbFile;

/**
 * jcifs-ng in a JVM of its own, so that it runs in a network namespace ({@code ip netns exec NS java ...}) while the
 * test's JVM holds the server: lists {@code smb://HOST:139/} as {@code CALLING_NAME} and prints what happened. The
 * test judges the session service's part through the server's metrics; SMB itself ends there (no file service).
 *
 * <p>Arguments: host, calling name. Exit status 0 when jcifs-ng ran (whatever the SMB outcome), 2 on bad arguments.
 */
public final class JcifsProbe {

    private JcifsProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: JcifsProbe HOST CALLING_NAME");
            System.exit(2);
        }
        try (SmbFile root = new SmbFile("smb://" + args[0] + ":139/", JcifsInteropTest.context(args[1]))) {
            String[] shares = root.list();
            System.out.println("LISTED " + shares.length);
        } catch (Exception e) {
            System.out.println("FAILED " + e);
        }
        System.exit(0); // jcifs-ng leaves non-daemon threads behind
    }
}
