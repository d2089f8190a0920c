package io.wpack.benchmarks;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;

/**
 * Where the project and the shared corpus are. The corpus lives beside the project, never in
 * it: {@code ../shared/corpus} relative to the project root, or {@code -Dwpack.corpus=DIR}.
 */
public final class ProjectPaths {
    /** System property naming the corpus folder, the same one the {@code tests} module reads. */
    public static final String CORPUS_PROPERTY = "wpack.corpus";

    private ProjectPaths() {
    }

    /**
     * The nearest ancestor of {@code start} (itself included) whose {@code pom.xml} lists the
     * {@code benchmarks} module; null when there is none (e.g. the jar was copied elsewhere).
     */
    public static Path findRoot(Path start) throws IOException {
        Path p = start.toAbsolutePath().normalize();
        while (p != null) {
            Path pom = p.resolve("pom.xml");
            if (Files.isRegularFile(pom) && Files.readString(pom).contains("<module>benchmarks</module>")) {
                return p;
            }
            p = p.getParent();
        }
        return null;
    }

    /**
     * {@link #findRoot} from the working directory, else from where this class was loaded
     * ({@code benchmarks/target/benchmarks.jar} or {@code target/classes}), so that the jar finds
     * its project from any folder, JMH's forked JVMs included.
     */
    public static Path findRoot() throws IOException {
        Path root = findRoot(Path.of(""));
        if (root != null) {
            return root;
        }
        try {
            CodeSource src = ProjectPaths.class.getProtectionDomain().getCodeSource();
            return src == null ? null : findRoot(Path.of(src.getLocation().toURI()));
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return null;
        }
    }

    /**
     * The corpus folder: {@code -Dwpack.corpus} when set, else {@code ../shared/corpus} beside
     * {@code root}; null when that folder does not exist (callers then skip or fall back to
     * synthetic models, and say so).
     */
    public static Path corpus(Path root) {
        String prop = System.getProperty(CORPUS_PROPERTY);
        Path c;
        if (prop != null && !prop.isBlank()) {
            c = Path.of(prop);
        } else if (root != null) {
            c = root.resolveSibling("shared").resolve("corpus");
        } else {
            return null;
        }
        return Files.isDirectory(c) ? c.toAbsolutePath().normalize() : null;
    }
}
