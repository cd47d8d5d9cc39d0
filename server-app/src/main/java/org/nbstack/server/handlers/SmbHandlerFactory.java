package org.nbstack.server.handlers;

import io.micrometer.core.instrument.Metrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.nbstack.netbios.session.SessionHandler;
import org.nbstack.smb.server.SmbService;
import org.nbstack.smb.server.SmbSettings;
import org.nbstack.smb.share.Share;

/**
 * {@code smb}: the SMB2 file service (module smb-service) serving one share from a local directory, made if missing.
 * Options: {@code share} (name, default "share"), {@code path} (default "data/share"), {@code read-only} (default true),
 * {@code guest-ok} (default true).
 */
public final class SmbHandlerFactory implements SessionHandlerFactory {

    static final String SHARE = "share";
    static final String PATH = "path";
    static final String READ_ONLY = "read-only";
    static final String GUEST_OK = "guest-ok";

    @Override
    public String name() {
        return "smb";
    }

    @Override
    public String description() {
        return "SMB2 file service: one share from a local directory (options share, path, read-only, guest-ok)";
    }

    @Override
    public SessionHandler create(Map<String, String> options) {
        Options.rejectAllBut(name(), options, SHARE, PATH, READ_ONLY, GUEST_OK);
        Path root = Path.of(options.getOrDefault(PATH, "data/share"));
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("handler 'smb': cannot make the share directory " + root + ": " + e.getMessage(), e);
        }
        Share share = new Share(options.getOrDefault(SHARE, "share"), root, flag(options, READ_ONLY, true), flag(options, GUEST_OK, true));
        SmbService service = new SmbService(SmbSettings.defaults("NBSTACK", List.of(share)), Metrics.globalRegistry);
        return service.handler();
    }

    private boolean flag(Map<String, String> options, String key, boolean fallback) {
        String text = options.get(key);
        if (text == null) {
            return fallback;
        }
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException("handler 'smb' option '" + key + "' = '" + text + "' must be true or false");
        };
    }
}
