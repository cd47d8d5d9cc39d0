package org.nbstack.server.handlers;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nbstack.config.FileServiceSettings;
import org.nbstack.config.NbstackConfig;
import org.nbstack.config.ShareSettings;
import org.nbstack.netbios.session.SessionHandler;
import org.nbstack.smb.server.Protection;
import org.nbstack.smb.auth.AccountFile;
import org.nbstack.smb.server.SmbService;
import org.nbstack.smb.server.SmbSettings;
import org.nbstack.smb.share.Share;

/**
 * {@code smb}: the SMB2 file service (module smb-service) serving the shares of {@code nbstack.smb.shares}. One service
 * per server, whichever names and listeners reach it, with its meters on the server's registry. Share directories
 * inside the data dir are made when missing.
 */
public final class SmbHandlerFactory implements SessionHandlerFactory {

    @Override
    public String name() {
        return "smb";
    }

    @Override
    public String description() {
        return "SMB2 file service: the shares of nbstack.smb.shares (IPC$ besides)";
    }

    @Override
    public SessionHandler create(Map<String, String> options) {
        throw new IllegalArgumentException("handler 'smb' needs the server's configuration (nbstack.smb.shares)");
    }

    @Override
    public SessionHandler create(Map<String, String> options, HandlerContext context) {
        if (!options.isEmpty()) {
            throw new IllegalArgumentException("handler 'smb' takes no handler-options (here: " + String.join(", ", options.keySet())
                    + "); its shares are configured under nbstack.smb.shares.<name> { path, read-only, guest-ok, valid-users, read-list, write-list }");
        }
        return context.shared(name(), SmbService.class, () -> service(context)).handler();
    }

    private static SmbService service(HandlerContext context) {
        NbstackConfig config = context.config();
        List<Share> shares = new ArrayList<>();
        for (ShareSettings share : config.smb().shares()) {
            if (share.create()) {
                try {
                    Files.createDirectories(share.path());
                } catch (IOException e) {
                    throw new IllegalArgumentException("share '" + share.name() + "': cannot make its directory " + share.path()
                            + " (" + e + "); set nbstack.data-dir or the share's path to a directory nbstack may write", e);
                }
            }
            shares.add(new Share(share.name(), share.path(), share.readOnly(), share.guestOk(), Set.copyOf(share.validUsers()),
                    Set.copyOf(share.readList()), Set.copyOf(share.writeList())));
        }
        String serverName = config.netbios().defaultName().orElse("NBSTACK");
        Protection protection = new Protection(config.smb().signing() == FileServiceSettings.Signing.REQUIRED
                ? Protection.Signing.REQUIRED : Protection.Signing.ENABLED,
                Protection.Encryption.valueOf(config.smb().encryption().name()));
        SmbSettings.MapToGuest mapToGuest = config.smb().mapToGuest() == FileServiceSettings.MapToGuest.BAD_USER
                ? SmbSettings.MapToGuest.BAD_USER : SmbSettings.MapToGuest.NEVER;
        return new SmbService(SmbSettings.defaults(serverName, shares).withMapToGuest(mapToGuest).withProtection(protection),
                context.meters(), new AccountFile(config.smb().usersFile()));
    }
}
