package io.wpack.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

final class TestFiles {
    private TestFiles() {
    }

    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        List<Path> paths;
        try (Stream<Path> s = Files.walk(dir)) {
            paths = s.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : paths) {
            Files.deleteIfExists(p);
        }
    }

    /** The project's root folder: the nearest ancestor of the working dir whose pom lists the formats module. */
    static Path projectRoot() throws IOException {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            Path pom = p.resolve("pom.xml");
            if (Files.exists(pom) && Files.readString(pom).contains("<module>formats</module>")) {
                return p;
            }
            p = p.getParent();
        }
        throw new IOException("project root not found above " + Path.of("").toAbsolutePath());
    }

    /** {@code ../shared/corpus} beside the project root, or the {@code wpack.corpus} property; null when absent. */
    static Path corpus() throws IOException {
        String prop = System.getProperty("wpack.corpus");
        Path c = prop != null ? Path.of(prop) : projectRoot().resolveSibling("shared").resolve("corpus");
        return Files.isDirectory(c) ? c : null;
    }
}
