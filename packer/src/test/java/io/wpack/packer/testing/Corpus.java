package io.wpack.packer.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the packer's corpus tests find ../shared/corpus (or {@code -Dwpack.corpus=DIR}). */
public final class Corpus {
    private Corpus() {
    }

    /** The corpus folder beside the project root, or the property's; null when no project root is found. */
    public static Path root() throws IOException {
        String property = System.getProperty("wpack.corpus");
        if (property != null && !property.isEmpty()) {
            return Path.of(property);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            if (Files.isRegularFile(pom) && Files.readString(pom).contains("<module>formats</module>")) {
                return dir.resolve("../shared/corpus").normalize();
            }
        }
        return null;
    }
}
