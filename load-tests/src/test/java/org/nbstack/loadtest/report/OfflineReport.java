package org.nbstack.loadtest.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks that a Gatling HTML report opens offline: every script, style sheet and image it loads is a file beside it. */
public final class OfflineReport {

    /** The resources a page loads (links to other pages, {@code <a href>}, are not loaded). */
    private static final Pattern LOADED = Pattern.compile("<(?:script|img)[^>]*\\ssrc=\"([^\"]*)\"|<link[^>]*\\shref=\"([^\"]*)\"");

    private OfflineReport() {
    }

    /** The resources of {@code page} that are not files in its folder: remote addresses or missing files; empty when it opens offline. */
    public static List<String> problems(Path page) throws IOException {
        List<String> problems = new ArrayList<>();
        Matcher matcher = LOADED.matcher(Files.readString(page));
        while (matcher.find()) {
            String resource = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
            if (resource.matches("(?i)^([a-z]+:|//).*")) {
                problems.add(resource + " is not a local file");
            } else if (!Files.isRegularFile(page.resolveSibling(resource))) {
                problems.add(resource + " is missing beside " + page.getFileName());
            }
        }
        return problems;
    }
}
