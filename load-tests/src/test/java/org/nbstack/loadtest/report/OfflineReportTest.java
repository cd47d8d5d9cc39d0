package org.nbstack.loadtest.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OfflineReportTest {

    @Test
    void acceptsLocalResourcesAndLinksToElsewhere(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("js"));
        Files.writeString(dir.resolve("js/stats.js"), "");
        Files.writeString(dir.resolve("style.css"), "");
        Path page = dir.resolve("index.html");
        Files.writeString(page, """
                <link rel="stylesheet" href="style.css"><script src="js/stats.js"></script>
                <a href="https://gatling.io/docs/">docs</a>""");
        assertThat(OfflineReport.problems(page)).isEmpty();
    }

    @Test
    void namesRemoteAndMissingResources(@TempDir Path dir) throws Exception {
        Path page = dir.resolve("index.html");
        Files.writeString(page, """
                <script type="text/javascript" src="https://cdn.example/highcharts.js"></script>
                <link href="//fonts.example/font.css" rel="stylesheet"><img alt="" src="logo.svg">""");
        assertThat(OfflineReport.problems(page)).containsExactly("https://cdn.example/highcharts.js is not a local file",
                "//fonts.example/font.css is not a local file", "logo.svg is missing beside index.html");
    }
}
